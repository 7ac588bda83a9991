#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::shm_ring {

struct record_view {
    std::uint64_t bus_seq;
    std::uint64_t ring_seq;  // per shard, +1 per record
    std::uint32_t shard;
    std::uint32_t flags;
    std::uint32_t commit_us;  // when it was written: monotonic_us32() (counters.hpp)
    std::uint64_t unix_us;    // the same moment: unix_time_us() (counters.hpp)
    std::string_view topic;
    std::string_view body;
};

// Tails every shard of a bus from a read-only mapping (a fanout worker).
// Records come out in bus_seq order across shards, so a subscriber of several
// topics sees them in commit order. Each record is copied out and validated
// after the copy; a record overwritten meanwhile is never returned: the reader
// counts it as lapped and resumes at the oldest record still in the ring.
class bus_reader {
  public:
    // Starts at the live end of every shard: only records committed after
    // construction come out.
    explicit bus_reader(const bus& source);
    // A resume: starts on `shards` only (those a subscription's topics map
    // to) at their oldest retained records with a bus_seq past
    // `after_bus_seq`. Finds that point with the rings' resume index: a few
    // headers read and at most one index block walked per shard.
    bus_reader(const bus& source, std::uint64_t after_bus_seq,
               std::span<const std::uint32_t> shards);
    bus_reader(bus_reader&&) noexcept;
    bus_reader& operator=(bus_reader&&) noexcept;
    ~bus_reader();

    // The next committed record, or nullopt when none is ready. The views stay
    // valid until the next call. A large body is read where it lies, in its
    // blob mapped read-only; a record whose blob is already gone is skipped and
    // counted in lost_blobs().
    std::optional<record_view> next();

    // True when some shard has a committed record this reader has not read.
    [[nodiscard]] bool has_pending() const noexcept;

    // Records lost to lapping, all shards together. Every gap in a shard's
    // ring_seq this reader returned is counted here exactly.
    [[nodiscard]] std::uint64_t lapped_records() const noexcept;
    // Records skipped because the writer had unlinked their blob.
    [[nodiscard]] std::uint64_t lost_blobs() const noexcept;

    // bus_seq of the last record returned or skipped (at first: the last one
    // committed before this reader started). The worker publishes it in its
    // slot's blob_read_bus_seq, so that the writer can unlink what it read.
    [[nodiscard]] std::uint64_t last_bus_seq() const noexcept;

    // A resume that may have missed records: one past its start point was
    // overwritten before it began (ring_reader::started_after_loss).
    [[nodiscard]] bool started_after_loss() const noexcept;

  private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace hookbot::shm_ring
