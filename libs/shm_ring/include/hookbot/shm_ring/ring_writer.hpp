#pragma once

#include <cstdint>
#include <string_view>

#include "hookbot/shm_ring/ring_span.hpp"

namespace hookbot::shm_ring {

// The single writer of one ring. Per append: move `head` past every record the
// new one will overwrite, claim the new end in `tail_intent` (never lowered),
// copy the bytes, then publish them with one store of `tail`. A process that
// dies anywhere in between leaves `tail` at the last whole record. The first
// record committed in each block of the data area goes into the ring's
// resume index.
class ring_writer {
  public:
    // Resumes after the last committed record, whoever wrote it: walks the
    // ring from head to tail once to recover the sequence numbers.
    explicit ring_writer(ring_span ring);
    ring_writer(const ring_writer&) = delete;  // one writer per ring
    ring_writer& operator=(const ring_writer&) = delete;
    ring_writer(ring_writer&&) noexcept = default;
    ring_writer& operator=(ring_writer&&) noexcept = default;
    ~ring_writer() = default;

    // Appends one message record and returns its ring_seq. Throws
    // std::length_error when the record would exceed max_record_bytes.
    std::uint64_t append(std::string_view topic, std::string_view body, std::uint32_t flags,
                         std::uint64_t bus_seq);

    [[nodiscard]] std::uint64_t next_ring_seq() const noexcept { return next_ring_seq_; }
    // bus_seq of the last record in the ring (0 when empty).
    [[nodiscard]] std::uint64_t last_bus_seq() const noexcept { return last_bus_seq_; }
    [[nodiscard]] std::uint64_t tail() const noexcept { return tail_; }
    // The smallest bus_seq the ring still holds: its oldest message's, or
    // last_bus_seq() + 1 when it holds none. Reads the writer's own bytes.
    [[nodiscard]] std::uint64_t retained_from() const noexcept;

  private:
    void make_room(std::uint64_t end);
    void write_padding(std::uint64_t position, std::uint64_t bytes);
    void index_if_first_in_block(std::uint64_t position) noexcept;

    ring_span ring_;
    std::uint64_t mask_;
    std::uint64_t head_;    // mirrors ring_.header->head
    std::uint64_t intent_;  // mirrors ring_.header->tail_intent
    std::uint64_t tail_;    // mirrors ring_.header->tail
    std::uint64_t next_ring_seq_;
    std::uint64_t last_bus_seq_;
    // The resume index (layout.hpp): log2 of its block size, and the last
    // block this writer entered (none yet: a restarted writer indexes the
    // block it resumes in again, which is harmless).
    unsigned index_block_shift_;
    std::uint64_t indexed_block_ = ~std::uint64_t{0};
};

}  // namespace hookbot::shm_ring
