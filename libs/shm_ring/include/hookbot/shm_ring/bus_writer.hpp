#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::shm_ring {

// The single writer of every ring of a bus (the acceptor). A new writer on a
// bus an old one left (after a crash) resumes after the last committed record:
// same sequence numbers, no gap and no duplicate seen by readers, and nothing
// a dead writer half-wrote is ever accepted.
class bus_writer {
  public:
    // Takes the bus's writer lock for as long as `target` stays mapped;
    // throws std::runtime_error while another process holds it.
    explicit bus_writer(bus& target);
    bus_writer(bus_writer&&) noexcept;
    ~bus_writer();

    struct appended {
        std::uint64_t bus_seq;  // bus-wide, starts at 1, +1 per record
        std::uint32_t shard;
    };

    // Appends one record to the topic's shard and commits it with one release
    // store. A body larger than the bus's max_inline_body_bytes goes to a blob
    // first (layout.hpp), which the record names. Returns nullopt, writing
    // nothing, when the topic is too long or the body exceeds the blob budget.
    // Throws std::system_error when a blob cannot be made (/dev/shm full).
    std::optional<appended> append(std::string_view topic, std::string_view body,
                                   std::uint32_t flags = 0);
    // The same with the bus_seq the caller gives, which must be greater than
    // last_bus_seq() (std::invalid_argument otherwise): in cluster mode the
    // stream's sequence, gaps allowed (readers compare bus_seqs, never count
    // them).
    std::optional<appended> append_at(std::uint64_t bus_seq, std::string_view topic,
                                      std::string_view body, std::uint32_t flags = 0);
    // A bus that holds no message yet starts at `bus_seq` (a cluster host
    // joining the stream there): bus::first_bus_seq() says so at once, and
    // the next append is at `bus_seq` or later. Throws std::logic_error once
    // the rings hold a message.
    void begin_at(std::uint64_t bus_seq);

    // Unlinks the blobs whose records their rings no longer hold. A blob
    // append() does it too; the acceptor also calls it now and then.
    void release_overwritten_blobs() noexcept;
    [[nodiscard]] std::uint64_t blob_bytes_held() const noexcept;
    // The bus_seq of the newest committed record (0: none yet).
    [[nodiscard]] std::uint64_t last_bus_seq() const noexcept;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace hookbot::shm_ring
