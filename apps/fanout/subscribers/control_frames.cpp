#include "subscribers/control_frames.hpp"

#include "frames/frame_header.hpp"

namespace hookbot::fanout {

void control_frames::pong(std::string_view payload) {
    if (pong_at_ != no_pong) {
        // Its header is 2 bytes: a control frame's payload fits 7 bits.
        const std::size_t length = static_cast<unsigned char>(waiting_[pong_at_ + 1]) & 0x7FU;
        waiting_.erase(pong_at_, 2 + length);
    }
    pong_at_ = static_cast<std::uint16_t>(waiting_.size());
    ws_frame::append_control(waiting_, ws_frame::opcode::pong, payload);
}

void control_frames::ping() {
    ws_frame::append_control(waiting_, ws_frame::opcode::ping, {});
}

void control_frames::close(std::uint16_t code, std::string_view reason) {
    ws_frame::append_close(waiting_, code, reason);
}

std::string_view control_frames::next() {
    if (sending_.empty()) {
        sending_.swap(waiting_);
        pong_at_ = no_pong;
    }
    return std::string_view(sending_).substr(sent_);
}

void control_frames::written(std::size_t bytes) noexcept {
    sent_ = static_cast<std::uint16_t>(sent_ + bytes);
    if (sent_ < sending_.size()) return;
    sending_.clear();
    sent_ = 0;
}

void control_frames::keep_alive_comment() {
    waiting_ += ":\n\n";
}

}  // namespace hookbot::fanout
