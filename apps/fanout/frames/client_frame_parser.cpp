#include "frames/client_frame_parser.hpp"

#include <algorithm>
#include <cstring>

namespace hookbot::fanout {
namespace {

constexpr std::uint16_t protocol_error = 1002;
constexpr std::uint16_t invalid_payload = 1007;
constexpr std::uint16_t message_too_big = 1009;

constexpr std::uint8_t op_continuation = 0x0;
constexpr std::uint8_t op_text = 0x1;
constexpr std::uint8_t op_binary = 0x2;
constexpr std::uint8_t op_close = 0x8;
constexpr std::uint8_t op_ping = 0x9;
constexpr std::uint8_t op_pong = 0xA;

bool is_control(std::uint8_t op) {
    return (op & 0x8U) != 0;
}

// Close codes a peer may send (RFC 6455 7.4): 1004-1006 and 1015 are
// reserved for local use, 1016-2999 for future standards.
bool valid_close_code(std::uint16_t code) {
    if (code >= 3000 && code <= 4999) return true;
    return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

}  // namespace

std::size_t client_frame_parser::feed(std::span<char> data, event& out) {
    out = event{};
    // The previous event's payload is no longer read; a control frame split
    // across reads keeps what it has.
    if (stage_ != stage::body) control_.reset();
    std::size_t used = 0;
    while (used < data.size() && out.what == kind::none) {
        const std::span<char> rest = data.subspan(used);
        switch (stage_) {
            case stage::header:
                used += feed_header(rest, out);
                break;
            case stage::body:
                used += feed_payload(rest, out);
                break;
            case stage::failed:
                return data.size();
        }
    }
    return used;
}

std::size_t client_frame_parser::feed_header(std::span<char> data, event& out) {
    std::size_t used = 0;
    auto need = [&](std::size_t size) {
        while (header_size_ < size && used < data.size()) {
            header_[header_size_++] = static_cast<std::uint8_t>(data[used++]);
        }
        return header_size_ >= size;
    };
    auto failed = [&](std::uint16_t code) {
        fail(out, code);
        return used;
    };
    if (!need(2)) return used;
    const std::uint8_t first = header_[0];
    const std::uint8_t second = header_[1];
    final_ = (first & 0x80U) != 0;
    opcode_ = first & 0x0FU;
    const bool masked = (second & 0x80U) != 0;
    const std::uint8_t length7 = second & 0x7FU;
    // No extension is negotiated, and clients must mask.
    if ((first & 0x70U) != 0 || !masked) return failed(protocol_error);
    switch (opcode_) {
        case op_continuation:
            if (!in_message_) return failed(protocol_error);
            break;
        case op_text:
        case op_binary:
            if (in_message_) return failed(protocol_error);
            message_size_ = 0;
            text_ = opcode_ == op_text;
            utf8_.reset();
            break;
        case op_close:
        case op_ping:
        case op_pong:
            if (!final_ || length7 > 125) return failed(protocol_error);
            break;
        default:
            return failed(protocol_error);
    }
    const std::size_t length_bytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    if (!need(2 + length_bytes + 4)) return used;
    std::uint64_t length = length7;
    if (length_bytes != 0) {
        length = 0;
        for (std::size_t i = 0; i < length_bytes; ++i) length = (length << 8) | header_[2 + i];
        // The shortest encoding only, and a 63-bit length.
        const bool minimal = length_bytes == 2 ? length >= 126 : length > 0xFFFF;
        if (!minimal || (length >> 63) != 0) return failed(protocol_error);
    }
    if (!is_control(opcode_)) {
        message_size_ += length;
        if (message_size_ > max_message_) return failed(message_too_big);
        in_message_ = !final_;
    }
    remaining_ = length;
    mask_offset_ = 0;
    stage_ = stage::body;
    if (remaining_ == 0) end_frame({}, out);
    return used;
}

std::size_t client_frame_parser::feed_payload(std::span<char> data, event& out) {
    const std::size_t take =
        static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size()));
    remaining_ -= take;
    if (!is_control(opcode_)) {  // ignored (D5.3): binary is not even unmasked
        if (text_ && !check_text(data.first(take))) {
            fail(out, invalid_payload);
            return take;
        }
        if (remaining_ == 0) end_frame({}, out);
        return take;
    }
    unmask(data.first(take));
    if (remaining_ == 0 && !control_) {  // whole in this read: no copy
        end_frame(std::string_view(data.data(), take), out);
        return take;
    }
    if (!control_) control_ = std::make_unique<control_bytes>();
    std::memcpy(control_->bytes.data() + control_->size, data.data(), take);
    control_->size += take;
    if (remaining_ == 0) end_frame(std::string_view(control_->bytes.data(), control_->size), out);
    return take;
}

void client_frame_parser::unmask(std::span<char> data) {
    const std::uint8_t* mask = header_.data() + header_size_ - 4;
    for (char& byte : data) {
        byte = static_cast<char>(static_cast<std::uint8_t>(byte) ^ mask[mask_offset_]);
        mask_offset_ = static_cast<std::uint8_t>((mask_offset_ + 1) & 3U);
    }
}

bool client_frame_parser::check_text(std::span<char> data) {
    unmask(data);
    return utf8_.feed(data);
}

void client_frame_parser::end_frame(std::string_view control_payload, event& out) {
    stage_ = stage::header;
    header_size_ = 0;
    // A text message's last fragment must end its last character.
    if (!is_control(opcode_) && final_ && text_ && !utf8_.complete()) {
        return fail(out, invalid_payload);
    }
    switch (opcode_) {
        case op_ping:
            out = event{kind::ping, 0, control_payload};
            break;
        case op_pong:
            out = event{kind::pong, 0, control_payload};
            break;
        case op_close: {
            if (control_payload.empty()) {
                out = event{kind::close, 0, {}};
                break;
            }
            const auto code = static_cast<std::uint16_t>(
                (static_cast<unsigned>(static_cast<std::uint8_t>(control_payload[0])) << 8) |
                static_cast<std::uint8_t>(control_payload[1 % control_payload.size()]));
            if (control_payload.size() < 2 || !valid_close_code(code)) {
                return fail(out, protocol_error);
            }
            // The reason is UTF-8 (RFC 6455 5.5.1).
            utf8::validator reason;
            if (!reason.feed(control_payload.substr(2)) || !reason.complete()) {
                return fail(out, invalid_payload);
            }
            out = event{kind::close, code, control_payload};
            break;
        }
        default:
            break;  // data: ignored
    }
}

void client_frame_parser::fail(event& out, std::uint16_t code) {
    stage_ = stage::failed;
    out = event{kind::error, code, {}};
}

}  // namespace hookbot::fanout
