#pragma once

#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/smart_ptr/intrusive_ref_counter.hpp>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace hookbot::fanout {

// One outgoing websocket message as it goes on the wire: a complete server
// frame (FIN, binary opcode, unmasked, RFC 6455 5.2), built once per bus record
// and format and written as it is to every subscriber it is queued to.
//
// Its reference count is a plain integer: a worker is one thread, and a
// message is referenced and released once per subscriber, where an atomic
// count would cost two locked instructions.
struct outgoing_message
    : boost::intrusive_ref_counter<outgoing_message, boost::thread_unsafe_counter> {
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
using payload = boost::intrusive_ptr<const outgoing_message>;

// A payload owning a new message: the pointer takes the first reference, and
// the last one deletes it.
inline payload make_message(std::initializer_list<std::string_view> parts,
                            std::uint32_t commit_us) {
    return payload(std::make_unique<const outgoing_message>(parts, commit_us).release());
}

inline payload make_payload(std::string_view body, std::uint32_t commit_us = 0) {
    return make_message({body}, commit_us);
}

// A recursive subscription's message (docs/PROTOCOL.md D5.2): topic, NUL, body.
inline payload make_recursive_payload(std::string_view topic, std::string_view body,
                                      std::uint32_t commit_us = 0) {
    return make_message({topic, std::string_view("\0", 1), body}, commit_us);
}

}  // namespace hookbot::fanout
