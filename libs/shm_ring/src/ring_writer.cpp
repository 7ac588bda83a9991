#include "hookbot/shm_ring/ring_writer.hpp"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <stdexcept>

#include "hookbot/shm_ring/counters.hpp"
#include "ring_copy.hpp"
#include "ring_walk.hpp"
#include "seqlock_fence.hpp"

namespace hookbot::shm_ring {

ring_writer::ring_writer(ring_span ring)
    : ring_(detail::checked(ring)),
      mask_(ring.capacity - 1),
      index_block_shift_(detail::resume_index_block_shift(ring.capacity)) {
    const detail::ring_end end = detail::find_end(ring_);
    // Resume at the committed end. A dead writer's larger intent stays: bytes
    // it may have overwritten must keep failing readers' validation.
    tail_ = end.tail;
    head_ = ring_.header->head.load(std::memory_order_relaxed);
    intent_ = std::max(ring_.header->tail_intent.load(std::memory_order_relaxed), tail_);
    next_ring_seq_ = end.next_ring_seq;
    last_bus_seq_ = end.last_bus_seq;
}

std::uint64_t ring_writer::append(std::string_view topic, std::string_view body,
                                  std::uint32_t flags, std::uint64_t bus_seq) {
    const std::uint64_t length = sizeof(layout::record_header) + topic.size() + body.size();
    const std::uint64_t bytes = layout::align_record(length);
    if (topic.size() > layout::max_topic_bytes || bytes > ring_.max_record_bytes)
        throw std::length_error("shm ring: record larger than the ring's largest record");

    const std::uint64_t room = ring_.capacity - (tail_ & mask_);
    const std::uint64_t padding = bytes > room ? room : 0;
    const std::uint64_t start = tail_ + padding;
    const std::uint64_t end = start + bytes;

    make_room(end);
    intent_ = std::max(intent_, end);
    ring_.header->tail_intent.store(intent_, std::memory_order_release);
    // Readers that copy any byte written below validate against the intent.
    detail::fence_before_overwrite();

    if (padding != 0) write_padding(tail_, padding);
    const layout::record_header header{
        .length = static_cast<std::uint32_t>(length),
        .type = layout::record_type::message,
        .flags = flags,
        .topic_length = static_cast<std::uint32_t>(topic.size()),
        .body_length = static_cast<std::uint32_t>(body.size()),
        .commit_us = monotonic_us32(),
        .ring_seq = next_ring_seq_,
        .bus_seq = bus_seq,
        .unix_us = unix_time_us(),
    };
    std::byte* out = ring_.data + (start & mask_);
    detail::copy_into_ring(out, &header, sizeof header);
    out += sizeof header;
    if (!topic.empty()) detail::copy_into_ring(out, topic.data(), topic.size());
    out += topic.size();
    if (!body.empty()) detail::copy_into_ring(out, body.data(), body.size());
    out += body.size();
    constexpr std::byte zeros[layout::record_alignment]{};
    detail::copy_into_ring(out, zeros, bytes - length);

    // The commit. seq_cst also orders it before the doorbell check that
    // follows (ring_if_sleeping), against the reader's sleep announcement.
    ring_.header->tail.store(end, std::memory_order_seq_cst);
    tail_ = end;
    last_bus_seq_ = bus_seq;
    index_if_first_in_block(start);
    return next_ring_seq_++;
}

// Only after the commit: an entry never names a record a reader could find
// uncommitted, or one a dead writer left half written.
void ring_writer::index_if_first_in_block(std::uint64_t position) noexcept {
    const std::uint64_t block = position >> index_block_shift_;
    if (block == indexed_block_) return;
    indexed_block_ = block;
    ring_.header->resume_index[block & (layout::resume_index_entries - 1)].store(
        position, std::memory_order_release);
}

// Moves head past every record [end - capacity, ...) overlaps. Each record is
// passed once in its life, so this is amortised O(1) per append.
void ring_writer::make_room(std::uint64_t end) {
    std::uint64_t head = head_;
    while (end - head > ring_.capacity) {
        std::uint32_t length = 0;
        std::memcpy(&length, ring_.data + (head & mask_), sizeof length);  // our own bytes
        if (length < layout::record_prefix_bytes)
            throw std::runtime_error("shm ring: corrupt record length while making room");
        head += layout::align_record(length);
    }
    if (head != head_) {
        head_ = head;
        ring_.header->head.store(head_, std::memory_order_release);
    }
}

std::uint64_t ring_writer::retained_from() const noexcept {
    // At most one padding record comes before the oldest message.
    for (std::uint64_t position = head_; position < tail_;) {
        layout::record_header header{};
        std::memcpy(&header, ring_.data + (position & mask_), layout::record_prefix_bytes);
        if (header.type == layout::record_type::message) {
            std::memcpy(&header, ring_.data + (position & mask_), sizeof header);
            return header.bus_seq;
        }
        if (header.length < layout::record_prefix_bytes) break;  // never written so
        position += layout::align_record(header.length);
    }
    return last_bus_seq_ + 1;
}

void ring_writer::write_padding(std::uint64_t position, std::uint64_t bytes) {
    layout::record_header header{};
    header.length = static_cast<std::uint32_t>(bytes);
    header.type = layout::record_type::padding;
    detail::copy_into_ring(ring_.data + (position & mask_), &header, layout::record_prefix_bytes);
}

}  // namespace hookbot::shm_ring
