#include "frames/frame_header.hpp"

#include <algorithm>

namespace hookbot::fanout::ws_frame {

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

}  // namespace hookbot::fanout::ws_frame
