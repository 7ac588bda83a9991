#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <vector>

#include "hookbot/shm_ring/layout.hpp"
#include "hookbot/shm_ring/ring_span.hpp"

namespace hookbot::shm_ring::detail {

// The header of the record at `position`, copied out of the ring and validated
// after the copy: nullopt when the writer was overwriting it meanwhile, or the
// bytes do not form a sane header (length in bounds, known type).
std::optional<layout::record_header> read_header(const_ring_span ring, std::uint64_t position);

// True when the bytes copied from `position` cannot have been overwritten
// during the copy. Call after the copy: it starts with an acquire fence.
bool copy_was_intact(const_ring_span ring, std::uint64_t position) noexcept;

// Checks a copied header; `room` is the distance to the end of the data area.
bool header_is_sane(const layout::record_header& header, std::uint64_t room,
                    std::uint64_t max_record_bytes) noexcept;

// Returns `ring`, or throws std::invalid_argument when its capacity is not a
// power of two or its largest record does not fit 4 times.
const_ring_span checked(const_ring_span ring);
ring_span checked(ring_span ring);

// Where a ring ends, and the last message before that end.
struct ring_end {
    std::uint64_t tail;
    std::uint64_t next_ring_seq;  // 1 for an empty ring
    std::uint64_t last_bus_seq;   // 0 for an empty ring
};

// Walks every record from head to tail once (headers only). Safe while a
// writer appends: restarts when lapped; throws std::runtime_error if it
// cannot finish a walk after many tries.
ring_end find_end(const_ring_span ring);

// Where a reader resuming after `after_bus_seq` starts: the first message
// with a larger bus_seq, or the tail.
struct resume_point {
    std::uint64_t position;
    std::uint64_t ring_seq;  // of the record there (or the next one committed)
    // A message with a larger bus_seq may already be overwritten: the oldest
    // one retained was not the ring's first, and its bus_seq is past
    // after_bus_seq + 1. (Conservative: what was overwritten is not known
    // record by record, so this may also say so when only smaller ones were.)
    bool may_have_lost;
};

// log2 of the resume index's block size for a data area of `capacity` bytes
// (a power of two; tests use rings smaller than the index, one byte a block).
constexpr unsigned resume_index_block_shift(std::uint64_t capacity) noexcept {
    const int shift = std::countr_zero(capacity) - std::countr_zero(layout::resume_index_entries);
    return shift > 0 ? static_cast<unsigned>(shift) : 0;
}

// Reads the oldest retained message, jumps to the latest entry of the resume
// index at or below `after_bus_seq` (a binary search over its entries), then
// walks headers from there to the resume point: at most one index block.
resume_point find_resume_point(const_ring_span ring, std::uint64_t after_bus_seq);

// The header of the oldest message the ring retains, and where it lies:
// nullopt when there is none, or it was being overwritten just then.
struct located_header {
    std::uint64_t position;
    layout::record_header header;
};
std::optional<located_header> oldest_message(const_ring_span ring);

// Where a walk of part of the ring may start, ascending: the bus_seq of the
// oldest retained message, then those of the messages the resume index
// names that are still in the ring. Each lies at most one index block after
// the one before it. Empty for an empty ring; an entry overwritten while it
// is read is left out.
std::vector<std::uint64_t> index_bus_seqs(const_ring_span ring);

}  // namespace hookbot::shm_ring::detail
