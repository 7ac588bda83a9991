#pragma once

#include <cstdint>
#include <deque>
#include <string_view>

#include "hookbot/shm_ring/layout.hpp"

namespace hookbot::shm_ring {
struct worker_slot;
class bus;
}  // namespace hookbot::shm_ring

namespace hookbot::shm_ring::detail {

// The writer's side of the blobs (layout.hpp): it creates one per large body
// and keeps their total within the bus's blob budget, unlinking a blob as soon
// as every live worker has read it, or, oldest first, when a new one needs the
// room. It never waits for a reader: one that comes too late finds the blob
// gone and counts the message lost.
class blob_store {
  public:
    // Takes over what an earlier writer of this bus left: removes blobs of
    // other epochs and those named after a bus_seq not committed (a dead
    // writer's unfinished ones), and adopts the others, oldest first.
    blob_store(const bus& target, std::uint64_t next_bus_seq);

    // True when a body of `bytes` fits the budget at all.
    [[nodiscard]] bool fits(std::uint64_t bytes) const noexcept { return bytes <= budget_; }

    // Makes room and writes `body` as the blob of `bus_seq`, before the
    // record naming it is committed. Throws std::system_error.
    layout::blob_reference write(std::uint64_t bus_seq, std::string_view body);
    // Unlinks the blob of the newest write(), whose record was not committed.
    void discard_newest() noexcept;

    // Unlinks, oldest first, every blob each live worker has read.
    void release_read() noexcept;

    [[nodiscard]] std::uint64_t held_bytes() const noexcept { return held_bytes_; }
    [[nodiscard]] std::size_t held_count() const noexcept { return held_.size(); }

  private:
    struct held_blob {
        std::uint64_t bus_seq;
        std::uint64_t bytes;
    };
    void unlink_oldest() noexcept;
    // The smallest blob_read_bus_seq of the live workers (max when none).
    [[nodiscard]] std::uint64_t read_by_all() const noexcept;

    const bus& target_;
    std::uint64_t epoch_;
    std::uint64_t budget_;
    std::deque<held_blob> held_;  // in bus_seq order
    std::uint64_t held_bytes_ = 0;
};

}  // namespace hookbot::shm_ring::detail
