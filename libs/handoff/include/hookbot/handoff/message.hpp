#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

// What travels between the acceptor and a fanout worker over their
// SOCK_SEQPACKET control connection, one message per packet. Each message may
// carry one file descriptor (SCM_RIGHTS); which one is named per message.
namespace hookbot::handoff {

// worker → acceptor, first message on a connection. Carries the worker's
// doorbell eventfd.
struct hello {
    std::uint32_t slot = 0;  // index of the worker's slot in the bus control area
    std::int32_t pid = 0;
};

// acceptor → worker: an authorised websocket upgrade. Carries the client
// connection's fd; the worker completes the handshake from `request_head`.
struct subscriber {
    std::string topic;         // as PROTOCOL.md D3 ("/unsafe/…" for unsafe ones)
    bool recursive = false;    // topic ends in '/': framed "topic NUL body" delivery
    std::string request_head;  // the HTTP request head, serialised, ending in CRLF CRLF
};

using message = std::variant<hello, subscriber>;

// Largest encoded message: the head limit plus the topic limit, with room.
inline constexpr std::size_t max_message_bytes = 128 * 1024;

std::string encode(const message& m);
// nullopt when the bytes are not a well-formed message.
std::optional<message> decode(std::string_view bytes);

}  // namespace hookbot::handoff
