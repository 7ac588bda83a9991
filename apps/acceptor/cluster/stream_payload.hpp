#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// How publishes travel in the cluster's JetStream stream (docs/ARCHITECTURE.md,
// "A cluster"). One stream message carries the publishes one host sent
// together (a host has a few messages in flight at most: what arrives
// meanwhile goes in its next), each a record a host appends to its bus, less
// what the bus adds (sequence, times). The topic goes in the data, not in a
// NATS header: a topic may hold any byte a header value may not.
//
//   "hb2" · publish id (8 bytes, little-endian) · records, at least one:
//   flags (4, LE) · topic length (2, LE) · body length (4, LE) · topic · body
//
// The publish id is the publishing acceptor's own number for the message;
// its acknowledgement comes back on a subject that ends with it (a
// Nats-Msg-Id header would do that too, but makes the stream track every id
// for deduplication).
namespace hookbot::acceptor {

// A publish's id in a cluster: the stream sequence of the message that
// carries it and its place there, as one bus_seq, the same on every host.
inline constexpr std::uint64_t max_records_per_stream_message = 1000;

constexpr std::uint64_t bus_seq_of(std::uint64_t stream_seq, std::uint64_t index) noexcept {
    return stream_seq * max_records_per_stream_message + index;
}
constexpr std::uint64_t stream_seq_of(std::uint64_t bus_seq) noexcept {
    return bus_seq / max_records_per_stream_message;
}

struct stream_record {
    std::string_view topic;
    std::uint32_t flags = 0;  // the record's publisher flags (request metadata, …)
    std::string_view body;    // as the bus stores it
};

// The size of a stream message that holds `record` alone.
std::size_t stream_message_bytes(const stream_record& record) noexcept;

// A stream message being filled.
class stream_message_builder {
  public:
    explicit stream_message_builder(std::uint64_t publish_id);

    // Adds `record` unless that would take the message past `max_bytes`
    // or past max_records_per_stream_message: false then, nothing added.
    bool add(const stream_record& record, std::size_t max_bytes);

    [[nodiscard]] std::uint64_t publish_id() const noexcept { return publish_id_; }
    [[nodiscard]] std::size_t records() const noexcept { return records_; }
    [[nodiscard]] std::string_view data() const noexcept { return data_; }

  private:
    std::uint64_t publish_id_;
    std::size_t records_ = 0;
    std::string data_;
};

struct stream_message {
    std::uint64_t publish_id = 0;
    std::vector<stream_record> records;  // viewing the decoded data
};

// nullopt for data this format could not have written (another writer on
// the stream's subject, or a record cut short): the host skips all of it
// and counts it.
std::optional<stream_message> decode_stream_message(std::string_view data);

}  // namespace hookbot::acceptor
