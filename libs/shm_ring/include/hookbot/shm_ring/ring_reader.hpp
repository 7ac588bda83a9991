#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/ring_span.hpp"

namespace hookbot::shm_ring {

// One reader's position in one ring. Records are copied into the reader's own
// buffer and validated after the copy (seqlock style): the copy is kept only
// if the writer's `tail_intent` shows it did not start overwriting those bytes
// meanwhile. A reader that fell behind jumps to `head` (the oldest record
// still intact); the ring_seq it finds there tells how many it lost.
class ring_reader {
  public:
    // Starts at the live tail: only records committed afterwards come out.
    ring_reader(const_ring_span ring, std::uint32_t shard);
    // Starts at the oldest retained record with a bus_seq past
    // `after_bus_seq` (a resume): older ones never come out.
    ring_reader(const_ring_span ring, std::uint32_t shard, std::uint64_t after_bus_seq);

    // The next record, copied and validated, or nullptr when none is committed
    // (or, on a corrupt ring, none can be validated). Stays valid until the next
    // peek(); calling peek() again without take() returns the same record.
    const record_view* peek();
    // Accepts the record peek() returned: counts the ring_seq gap before it as
    // lapped. The next peek() moves past it.
    void take() noexcept;

    // True when a committed record has not been taken yet. Loads the tail with
    // seq_cst: the doorbell's Dekker pairing with the writer's commit needs it.
    [[nodiscard]] bool has_pending() const noexcept;
    [[nodiscard]] std::uint64_t lapped_records() const noexcept { return lapped_; }
    [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
    // bus_seq of the last record before where this reader started (0: none).
    [[nodiscard]] std::uint64_t start_bus_seq() const noexcept { return start_bus_seq_; }
    // Copies thrown away because the writer was overwriting them (a measure
    // of how close to the writer this reader runs).
    [[nodiscard]] std::uint64_t rejected_copies() const noexcept { return rejected_; }
    // Resuming: a record past the resume point may have been overwritten
    // before this reader started (see detail::resume_point).
    [[nodiscard]] bool started_after_loss() const noexcept { return started_after_loss_; }

  private:
    enum class copy_result { message, padding, torn };
    copy_result copy_record(std::uint64_t position);
    void jump_to_head() noexcept;  // to head, when head is past us
    // Makes the copy buffer hold `bytes` (at most the ring's largest record).
    void reserve_copy(std::uint64_t bytes);

    const_ring_span ring_;
    std::uint32_t shard_;
    std::uint64_t mask_;
    std::uint64_t position_;           // start of the next record to read
    std::uint64_t expected_ring_seq_;  // ring_seq of that record, if none lost
    std::uint64_t start_bus_seq_;
    std::uint64_t lapped_ = 0;
    std::uint64_t rejected_ = 0;
    // Grows to the largest record copied so far, never past max_record_bytes:
    // the resume readers a worker may hold at once cost a small record each,
    // not the bus's largest. Words, so that it is 8-aligned.
    std::unique_ptr<std::uint64_t[]> buffer_;
    std::uint64_t buffer_bytes_ = 0;
    bool started_after_loss_ = false;
    std::uint64_t copied_bytes_ = 0;  // align8(length) of the copied record
    bool peeked_ = false;
    bool taken_ = false;
    record_view view_{};
};

}  // namespace hookbot::shm_ring
