#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace hookbot::fanout {

// The bytes of one outgoing websocket message and when its bus record was
// committed (shm_ring::monotonic_us32(), for the publish-to-write latency).
struct outgoing_message {
    std::string bytes;
    std::uint32_t commit_us = 0;
};

// One outgoing websocket message, built once per bus record and format, then
// shared read-only by every subscriber it is queued to: memory per message,
// not per subscriber.
using payload = std::shared_ptr<const outgoing_message>;

inline payload make_payload(std::string bytes, std::uint32_t commit_us = 0) {
    return std::make_shared<const outgoing_message>(
        outgoing_message{std::move(bytes), commit_us});
}

}  // namespace hookbot::fanout
