#pragma once

#include <boost/smart_ptr/intrusive_ptr.hpp>
#include <boost/smart_ptr/intrusive_ref_counter.hpp>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

namespace hookbot::fanout {

// One outgoing message as it goes on the wire, built once per bus record and
// delivery format and written as it is to every subscriber it is queued to:
// a complete websocket server frame (FIN, unmasked, RFC 6455 5.2), or an
// event of an event stream (no framing of its own).
//
// Its reference count is a plain integer: a worker is one thread, and a
// message is referenced and released once per subscriber, where an atomic
// count would cost two locked instructions.
enum class framing : std::uint8_t {
    binary_frame,  // the original's framing (PROTOCOL D5.2)
    text_frame,    // a JSON envelope (?format=json)
    none,          // Server-Sent Events: the parts are the event's text
};

struct outgoing_message
    : boost::intrusive_ref_counter<outgoing_message, boost::thread_unsafe_counter> {
    // Builds the frame whose payload is `parts`, one after the other.
    outgoing_message(std::initializer_list<std::string_view> parts, std::uint32_t commit_us,
                     framing how = framing::binary_frame, std::uint64_t bus_seq = 0);
    outgoing_message(const outgoing_message&) = delete;
    outgoing_message& operator=(const outgoing_message&) = delete;
    ~outgoing_message() = default;

    std::string frame;       // header then payload: the bytes each subscriber is sent
    std::string_view bytes;  // the payload within `frame`: the message the client receives
    // When its bus record was committed (shm_ring::monotonic_us32(), for the
    // publish-to-write latency).
    std::uint32_t commit_us = 0;
    // The bus record it was built from (0: none, a gap notice): a resuming
    // subscriber skips what its replay has sent already.
    std::uint64_t bus_seq = 0;
};

// Shared read-only by every subscriber it is queued to: memory per message,
// not per subscriber.
using payload = boost::intrusive_ptr<const outgoing_message>;

// A payload owning a new message: the pointer takes the first reference, and
// the last one deletes it.
inline payload make_message(std::initializer_list<std::string_view> parts, std::uint32_t commit_us,
                            framing how = framing::binary_frame, std::uint64_t bus_seq = 0) {
    return payload(
        std::make_unique<const outgoing_message>(parts, commit_us, how, bus_seq).release());
}

inline payload make_payload(std::string_view body, std::uint32_t commit_us = 0,
                            std::uint64_t bus_seq = 0) {
    return make_message({body}, commit_us, framing::binary_frame, bus_seq);
}

// A recursive subscription's message (docs/PROTOCOL.md D5.2): topic, NUL, body.
inline payload make_recursive_payload(std::string_view topic, std::string_view body,
                                      std::uint32_t commit_us = 0, std::uint64_t bus_seq = 0) {
    return make_message({topic, std::string_view("\0", 1), body}, commit_us, framing::binary_frame,
                        bus_seq);
}

// One message in the delivery format a subscriber asked for (docs/PROTOCOL.md,
// "Delivery formats"): what the bus tailer and a resume build for each record.
enum class payload_kind : std::uint8_t {
    bare,       // the body, a binary frame
    recursive,  // topic NUL body, a binary frame
    json,       // the JSON envelope, a text frame
    event,      // "id: …" and the envelope as "data: …", an SSE event
};
inline constexpr std::size_t payload_kind_count = 4;

struct record_message {
    std::string_view id;  // the message id, as text
    std::string_view topic;
    std::string_view body;
    std::uint32_t commit_us = 0;
    std::uint64_t bus_seq = 0;
    // The original request kept with the body (docs/PROTOCOL.md X3), as JSON;
    // empty when the publish kept none. Only the JSON and event kinds show it.
    std::string_view request_json = {};
};
payload make_kind_payload(payload_kind kind, const record_message& record);

// A bus record's body and flags as a record_message: a record that carries
// the original request (request_metadata::record_flag_request) has it split
// off its body.
record_message read_record(std::string_view id, std::string_view topic, std::uint32_t flags,
                           std::string_view stored_body, std::uint32_t commit_us,
                           std::uint64_t bus_seq);

// A gap notice (envelope.hpp's gap_object) as a JSON text frame, or as an
// event named "gap" (without an id: it must not move a client's resume point).
payload make_gap_payload(bool event_stream, std::string_view gap);

}  // namespace hookbot::fanout
