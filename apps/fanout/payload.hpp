#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace hookbot::fanout {

// One outgoing websocket message as it goes on the wire: a complete server
// frame (FIN, binary opcode, unmasked, RFC 6455 5.2), built once per bus record
// and format and written as it is to every subscriber it is queued to.
struct outgoing_message {
    // Builds the frame whose payload is `parts`, one after the other.
    outgoing_message(std::initializer_list<std::string_view> parts, std::uint32_t commit_us);
    outgoing_message(const outgoing_message&) = delete;
    outgoing_message& operator=(const outgoing_message&) = delete;
    ~outgoing_message() = default;

    std::string frame;       // header then payload: the bytes each subscriber is sent
    std::string_view bytes;  // the payload within `frame`: the message the client receives
    // When its bus record was committed (shm_ring::monotonic_us32(), for the
    // publish-to-write latency).
    std::uint32_t commit_us = 0;
};

// Shared read-only by every subscriber it is queued to: memory per message,
// not per subscriber.
using payload = std::shared_ptr<const outgoing_message>;

inline payload make_payload(std::string_view body, std::uint32_t commit_us = 0) {
    return std::make_shared<const outgoing_message>(std::initializer_list<std::string_view>{body},
                                                    commit_us);
}

// A recursive subscription's message (PROTOCOL.md D5.2): topic, NUL, body.
inline payload make_recursive_payload(std::string_view topic, std::string_view body,
                                      std::uint32_t commit_us = 0) {
    return std::make_shared<const outgoing_message>(
        std::initializer_list<std::string_view>{topic, std::string_view("\0", 1), body}, commit_us);
}

}  // namespace hookbot::fanout
