#include "delivery/payload.hpp"

#include "frames/frame_header.hpp"

namespace hookbot::fanout {

outgoing_message::outgoing_message(std::initializer_list<std::string_view> parts,
                                   std::uint32_t commit_us_)
    : commit_us(commit_us_) {
    std::size_t length = 0;
    for (const std::string_view part : parts) length += part.size();
    const ws_frame::header h = ws_frame::make_header(ws_frame::opcode::binary, length);
    frame.reserve(h.size + length);
    frame.append(h.view());
    for (const std::string_view part : parts) frame.append(part);
    bytes = std::string_view(frame).substr(h.size);
}

}  // namespace hookbot::fanout
