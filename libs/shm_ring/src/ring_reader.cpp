#include "hookbot/shm_ring/ring_reader.hpp"

#include <atomic>
#include <cstring>

#include "ring_copy.hpp"
#include "ring_walk.hpp"

namespace hookbot::shm_ring {
namespace {

// How often one peek() may find a copy rejected without head having moved
// past it before giving up for now. A rejection with head moved is progress
// (the writer lapped us; we jump) and is not limited. One that is not is the
// writer's head store still in flight, or a corrupt ring.
constexpr int max_stuck_copies = 64;

}  // namespace

ring_reader::ring_reader(const_ring_span ring, std::uint32_t shard)
    : ring_(detail::checked(ring)),
      shard_(shard),
      mask_(ring.capacity - 1),
      buffer_(std::make_unique_for_overwrite<std::byte[]>(ring.max_record_bytes)) {
    const detail::ring_end end = detail::find_end(ring_);
    position_ = end.tail;
    expected_ring_seq_ = end.next_ring_seq;
    start_bus_seq_ = end.last_bus_seq;
}

const record_view* ring_reader::peek() {
    if (taken_) {
        position_ += copied_bytes_;
        peeked_ = taken_ = false;
    }
    if (peeked_) return &view_;
    for (int stuck = 0; stuck < max_stuck_copies;) {
        const std::uint64_t tail = ring_.header->tail.load(std::memory_order_acquire);
        if (position_ >= tail) return nullptr;  // (>: jumped to a head not yet committed)
        const std::uint64_t head = ring_.header->head.load(std::memory_order_acquire);
        if (position_ < head || tail - position_ > ring_.capacity) {
            // Lapped: the gap shows in the next ring_seq. A head that does not
            // move us on (its store still in flight, or a corrupt ring) counts
            // as stuck, so that such a ring cannot keep this loop going.
            if (head <= position_) {
                ++stuck;
                continue;
            }
            position_ = head;
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
                if (!jump_to_head()) ++stuck;
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
    std::byte* copy = buffer_.get();

    layout::record_header header{};
    const std::size_t header_bytes =
        room < sizeof header ? layout::record_prefix_bytes : sizeof header;
    detail::copy_from_ring(&header, source, header_bytes);
    // The length may be torn: bound it before it sizes the copy.
    const bool copyable = header.type == layout::record_type::message &&
                          header.length >= sizeof header && header.length <= room &&
                          header.length <= ring_.max_record_bytes;
    if (copyable) detail::copy_from_ring(copy, source, header.length);
    if (!detail::copy_was_intact(ring_, position)) return copy_result::torn;
    if (!detail::header_is_sane(header, room, ring_.max_record_bytes)) return copy_result::torn;

    copied_bytes_ = layout::align_record(header.length);
    if (header.type == layout::record_type::padding) return copy_result::padding;

    const auto* text = reinterpret_cast<const char*>(copy) + sizeof header;
    view_ = record_view{
        .bus_seq = header.bus_seq,
        .ring_seq = header.ring_seq,
        .shard = shard_,
        .flags = header.flags,
        .commit_us = header.commit_us,
        .topic = {text, header.topic_length},
        .body = {text + header.topic_length, header.body_length},
    };
    return copy_result::message;
}

bool ring_reader::jump_to_head() noexcept {
    const std::uint64_t head = ring_.header->head.load(std::memory_order_acquire);
    if (head <= position_) return false;
    position_ = head;
    return true;
}

}  // namespace hookbot::shm_ring
