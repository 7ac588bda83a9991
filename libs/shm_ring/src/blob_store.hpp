#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/shm_ring/layout.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"

namespace hookbot::shm_ring {
class bus;
}  // namespace hookbot::shm_ring

namespace hookbot::shm_ring::detail {

// The writer's side of the blobs (layout.hpp): it creates one per large body
// and keeps it for as long as the record naming it is in its ring, so that a
// resume finds every retained message whole (docs/ARCHITECTURE.md, "Large
// bodies"). Their total stays within the bus's blob budget: beyond it the
// oldest are unlinked first, record retained or not. It never waits for a
// reader: one that comes too late finds the blob gone and counts the message
// lost.
class blob_store {
  public:
    // Takes over what an earlier writer of this bus left: removes blobs of
    // other epochs and those named after a bus_seq not committed (a dead
    // writer's unfinished ones), and adopts the others, oldest first.
    blob_store(const bus& target, std::uint64_t next_bus_seq);

    // True when a body of `bytes` fits the budget at all.
    [[nodiscard]] bool fits(std::uint64_t bytes) const noexcept { return bytes <= budget_; }

    // Makes room and writes `body` as the blob of `bus_seq`, whose record
    // goes to `shard`, before that record is committed. Throws
    // std::system_error.
    layout::blob_reference write(std::uint32_t shard, std::uint64_t bus_seq, std::string_view body);
    // Unlinks the blob of the newest write(), whose record was not committed.
    void discard_newest() noexcept;

    // Unlinks every blob whose record its ring no longer holds.
    void release_overwritten(std::span<const ring_writer> rings) noexcept;

    [[nodiscard]] std::uint64_t held_bytes() const noexcept { return held_bytes_; }
    [[nodiscard]] std::size_t held_count() const noexcept { return held_.size(); }

  private:
    // A blob adopted from an earlier writer: its record's shard is not
    // looked up; it is kept while any ring holds records that old.
    static constexpr std::uint32_t any_shard = ~std::uint32_t{0};
    struct held_blob {
        std::uint64_t bus_seq;
        std::uint64_t bytes;
        std::uint32_t shard;
    };
    void unlink(const held_blob& blob) noexcept;
    void unlink_oldest() noexcept;

    const bus& target_;
    std::string folder_;  // blob_names.hpp: /dev/shm, or the --bus-dir
    std::uint64_t epoch_;
    std::uint64_t budget_;
    std::deque<held_blob> held_;  // in bus_seq order
    std::uint64_t held_bytes_ = 0;
};

}  // namespace hookbot::shm_ring::detail
