#include "hookbot/shm_ring/ring_reader.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>

#include "ring_copy.hpp"
#include "ring_walk.hpp"

namespace hookbot::shm_ring {
namespace {

// How many steps one peek() takes at most before it gives up for now: jumps
// to head, padding skipped, copies rejected. A writer that laps this reader
// again and again (or a corrupt ring) must not keep it here without bound;
// has_pending() stays true, and the caller comes back after its other work
// (the fanout's bus_tailer posts another turn). A lap costs one jump, a wrap
// one padding record: a reader never needs more than a few steps.
constexpr int max_steps = 64;

// What a reader's copy buffer starts with: most records are smaller.
constexpr std::uint64_t initial_copy_bytes = 4096;

}  // namespace

ring_reader::ring_reader(const_ring_span ring, std::uint32_t shard)
    : ring_(detail::checked(ring)), shard_(shard), mask_(ring.capacity - 1) {
    const detail::ring_end end = detail::find_end(ring_);
    position_ = end.tail;
    expected_ring_seq_ = end.next_ring_seq;
    start_bus_seq_ = end.last_bus_seq;
    reserve_copy(std::min(initial_copy_bytes, ring_.max_record_bytes));
}

ring_reader::ring_reader(const_ring_span ring, std::uint32_t shard, std::uint64_t after_bus_seq)
    : ring_(detail::checked(ring)), shard_(shard), mask_(ring.capacity - 1) {
    const detail::resume_point point = detail::find_resume_point(ring_, after_bus_seq);
    position_ = point.position;
    expected_ring_seq_ = point.ring_seq;
    start_bus_seq_ = after_bus_seq;
    started_after_loss_ = point.may_have_lost;
    reserve_copy(std::min(initial_copy_bytes, ring_.max_record_bytes));
}

void ring_reader::reserve_copy(std::uint64_t bytes) {
    if (bytes <= buffer_bytes_) return;
    const std::uint64_t grown =
        std::min(std::max(bytes, 2 * buffer_bytes_), ring_.max_record_bytes);
    const std::uint64_t words = (grown + sizeof(std::uint64_t) - 1) / sizeof(std::uint64_t);
    buffer_ = std::make_unique_for_overwrite<std::uint64_t[]>(words);
    buffer_bytes_ = words * sizeof(std::uint64_t);
}

const record_view* ring_reader::peek() {
    if (taken_) {
        position_ += copied_bytes_;
        peeked_ = taken_ = false;
    }
    if (peeked_) return &view_;
    for (int step = 0; step < max_steps; ++step) {
        const std::uint64_t tail = ring_.header->tail.load(std::memory_order_acquire);
        if (position_ >= tail) return nullptr;  // (>: jumped to a head not yet committed)
        const std::uint64_t head = ring_.header->head.load(std::memory_order_acquire);
        if (position_ < head || tail - position_ > ring_.capacity) {
            // Lapped: the gap shows in the next ring_seq. (A head not past us
            // is its store still in flight, or a corrupt ring: try again.)
            jump_to_head();
            continue;
        }
        switch (copy_record(position_)) {
            case copy_result::message:
                peeked_ = true;
                return &view_;
            case copy_result::padding:
                position_ += copied_bytes_;
                break;
            case copy_result::torn:
                ++rejected_;
                jump_to_head();
                break;
        }
    }
    return nullptr;
}

void ring_reader::take() noexcept {
    if (!peeked_ || taken_) return;
    taken_ = true;
    // Positions only move forward, so ring_seq >= expected; the difference is
    // what the writer overwrote before this reader got to it.
    if (view_.ring_seq > expected_ring_seq_) lapped_ += view_.ring_seq - expected_ring_seq_;
    expected_ring_seq_ = view_.ring_seq + 1;
}

bool ring_reader::has_pending() const noexcept {
    if (peeked_ && !taken_) return true;
    const std::uint64_t next = taken_ ? position_ + copied_bytes_ : position_;
    return ring_.header->tail.load(std::memory_order_seq_cst) > next;
}

ring_reader::copy_result ring_reader::copy_record(std::uint64_t position) {
    // Records start 8-aligned; anything else is a corrupt position, and a
    // header read there could run past the data area.
    if (position % layout::record_alignment != 0) return copy_result::torn;
    const std::uint64_t offset = position & mask_;
    const std::uint64_t room = ring_.capacity - offset;
    const std::byte* source = ring_.data + offset;

    layout::record_header header{};
    const std::size_t header_bytes =
        room < sizeof header ? layout::record_prefix_bytes : sizeof header;
    detail::copy_from_ring(&header, source, header_bytes);
    // The length may be torn: bound it before it sizes the copy.
    const bool copyable = header.type == layout::record_type::message &&
                          header.length >= sizeof header && header.length <= room &&
                          header.length <= ring_.max_record_bytes;
    if (copyable) {
        reserve_copy(header.length);  // one comparison once the buffer has grown
        detail::copy_from_ring(buffer_.get(), source, header.length);
    }
    if (!detail::copy_was_intact(ring_, position)) return copy_result::torn;
    if (!detail::header_is_sane(header, room, ring_.max_record_bytes)) return copy_result::torn;

    copied_bytes_ = layout::align_record(header.length);
    if (header.type == layout::record_type::padding) return copy_result::padding;

    const auto* text = reinterpret_cast<const char*>(buffer_.get()) + sizeof header;
    view_ = record_view{
        .bus_seq = header.bus_seq,
        .ring_seq = header.ring_seq,
        .shard = shard_,
        .flags = header.flags,
        .commit_us = header.commit_us,
        .unix_us = header.unix_us,
        .topic = {text, header.topic_length},
        .body = {text + header.topic_length, header.body_length},
    };
    return copy_result::message;
}

void ring_reader::jump_to_head() noexcept {
    position_ = std::max(position_, ring_.header->head.load(std::memory_order_acquire));
}

}  // namespace hookbot::shm_ring
