#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

// Server-to-client websocket frames (RFC 6455 5.2): never masked, always FIN.
namespace hookbot::fanout::ws_frame {

enum class opcode : std::uint8_t { text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA };

// The longest header a server frame has: 2 bytes and a 64-bit length.
inline constexpr std::size_t max_header = 10;
// The largest payload a control frame may carry.
inline constexpr std::size_t max_control_payload = 125;

// The header of a frame of `length` payload bytes, in the shortest length
// encoding (the only one RFC 6455 allows).
struct header {
    std::array<char, max_header> bytes{};
    std::size_t size = 0;
    [[nodiscard]] std::string_view view() const { return {bytes.data(), size}; }
};
header make_header(opcode op, std::uint64_t length);

// Appends a whole control frame; `payload` is cut to 125 bytes.
void append_control(std::string& out, opcode op, std::string_view payload);

// Appends a close frame with `code` (none when 0) and `reason`.
void append_close(std::string& out, std::uint16_t code, std::string_view reason);

}  // namespace hookbot::fanout::ws_frame
