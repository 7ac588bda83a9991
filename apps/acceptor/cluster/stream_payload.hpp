#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// How one publish travels in the cluster's JetStream stream (docs/ARCHITECTURE.md,
// "A cluster"): the record a host appends to its bus, less what the bus adds
// (sequence, times). The topic goes in the data, not in a NATS header: a
// topic may hold any byte a header value may not.
//
//   "hb1" · flags (4 bytes, little-endian) · publish id (8, LE) ·
//   topic length (2, LE) · topic · body
//
// The publish id is the publishing acceptor's own number for the publish:
// JetStream's acknowledgement carries the message back, and the id in it
// finds the publish to answer (a Nats-Msg-Id header would do that too, but
// makes the stream track every id for deduplication).
namespace hookbot::acceptor {

struct stream_record {
    std::string_view topic;
    std::uint32_t flags = 0;  // the record's publisher flags (request metadata, …)
    std::string_view body;    // as the bus stores it
    std::uint64_t publish_id = 0;
};

std::string encode_stream_record(const stream_record& record);
// nullopt for data this format could not have written (another writer on
// the stream's subject): the host skips it and counts it.
std::optional<stream_record> decode_stream_record(std::string_view data) noexcept;

}  // namespace hookbot::acceptor
