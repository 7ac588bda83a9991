#include "frame_header.hpp"

#include <algorithm>

#include "payload.hpp"

namespace hookbot::fanout {
namespace ws_frame {

header make_header(opcode op, std::uint64_t length) {
    header h;
    h.bytes[0] = static_cast<char>(0x80U | static_cast<unsigned>(op));
    std::size_t length_bytes = 0;
    if (length < 126) {
        h.bytes[1] = static_cast<char>(length);
    } else if (length <= 0xFFFF) {
        h.bytes[1] = static_cast<char>(126);
        length_bytes = 2;
    } else {
        h.bytes[1] = static_cast<char>(127);
        length_bytes = 8;
    }
    for (std::size_t i = 0; i < length_bytes; ++i) {  // network byte order
        h.bytes[2 + i] = static_cast<char>((length >> (8 * (length_bytes - 1 - i))) & 0xFFU);
    }
    h.size = 2 + length_bytes;
    return h;
}

void append_control(std::string& out, opcode op, std::string_view payload) {
    payload = payload.substr(0, max_control_payload);
    out.append(make_header(op, payload.size()).view()).append(payload);
}

void append_close(std::string& out, std::uint16_t code, std::string_view reason) {
    if (code == 0) return append_control(out, opcode::close, {});
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFFU));
    payload.append(reason.substr(0, max_control_payload - 2));
    append_control(out, opcode::close, payload);
}

}  // namespace ws_frame

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
