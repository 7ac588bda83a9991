#include "ring_walk.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <stdexcept>

#include "ring_copy.hpp"
#include "seqlock_fence.hpp"

namespace hookbot::shm_ring::detail {

const_ring_span checked(const_ring_span ring) {
    const bool power_of_two = ring.capacity != 0 && (ring.capacity & (ring.capacity - 1)) == 0;
    if (!power_of_two || ring.max_record_bytes < sizeof(layout::record_header) ||
        ring.max_record_bytes > ring.capacity / layout::records_per_ring_min)
        throw std::invalid_argument(
            "shm ring: capacity must be a power of two holding the largest record 4 times");
    return ring;
}

ring_span checked(ring_span ring) {
    checked(const_ring_span(ring));
    return ring;
}

bool copy_was_intact(const_ring_span ring, std::uint64_t position) noexcept {
    fence_after_copy();
    // The writer claims its new end before touching a byte: if the claim is
    // within one ring of `position`, nothing at or after it was rewritten.
    return ring.header->tail_intent.load(std::memory_order_acquire) <= position + ring.capacity;
}

bool header_is_sane(const layout::record_header& header, std::uint64_t room,
                    std::uint64_t max_record_bytes) noexcept {
    switch (header.type) {
        case layout::record_type::padding:
            return header.length == room;
        case layout::record_type::message:
            return header.length >= sizeof(layout::record_header) &&
                   layout::align_record(header.length) <= room &&
                   layout::align_record(header.length) <= max_record_bytes &&
                   header.topic_length <= layout::max_topic_bytes &&
                   std::uint64_t{header.topic_length} + header.body_length +
                           sizeof(layout::record_header) ==
                       header.length;
    }
    return false;
}

std::optional<layout::record_header> read_header(const_ring_span ring, std::uint64_t position) {
    // Records start 8-aligned; a position that is not comes from a corrupt
    // head or tail, and a header read there could run past the data area.
    if (position % layout::record_alignment != 0) return std::nullopt;
    const std::uint64_t offset = position & (ring.capacity - 1);
    const std::uint64_t room = ring.capacity - offset;
    // Near the end of the data area only a padding prefix fits.
    layout::record_header header{};
    const std::size_t bytes = room < sizeof header ? layout::record_prefix_bytes : sizeof header;
    copy_from_ring(&header, ring.data + offset, bytes);
    if (!copy_was_intact(ring, position)) return std::nullopt;
    if (!header_is_sane(header, room, ring.max_record_bytes)) return std::nullopt;
    return header;
}

namespace {

std::optional<ring_end> try_walk(const_ring_span ring) {
    const std::uint64_t tail = ring.header->tail.load(std::memory_order_acquire);
    std::uint64_t position = ring.header->head.load(std::memory_order_acquire);
    if (position > tail) return std::nullopt;  // an append moved head meanwhile
    // More than a ring apart: not a ring any writer left (head is loaded after
    // tail, so a live one is never caught like this). Walking it could go
    // round the data area for as long as the distance says.
    if (tail - position > ring.capacity) return std::nullopt;
    ring_end end{tail, 1, 0};
    while (position < tail) {
        const auto header = read_header(ring, position);
        if (!header) return std::nullopt;
        if (header->type == layout::record_type::message) {
            end.next_ring_seq = header->ring_seq + 1;
            end.last_bus_seq = header->bus_seq;
        }
        position += layout::align_record(header->length);
    }
    if (position != tail) return std::nullopt;
    return end;
}

// The outcome of one look into the resume index.
enum class hint_result { none, found, retry };

// The largest entry of the resume index in (after_position, tail) whose
// record's bus_seq is at most `after_bus_seq`. Entries in that window name
// committed records of this lap, in position order and so in bus_seq order,
// which makes a binary search over them valid; a header overwritten
// meanwhile asks for the whole walk again.
hint_result closest_hint(const_ring_span ring, std::uint64_t after_position, std::uint64_t tail,
                         std::uint64_t after_bus_seq, std::uint64_t& found) {
    std::array<std::uint64_t, layout::resume_index_entries> positions{};
    std::size_t count = 0;
    for (const auto& entry : ring.header->resume_index) {
        const std::uint64_t position = entry.load(std::memory_order_acquire);
        if (position > after_position && position < tail) positions[count++] = position;
    }
    std::sort(positions.begin(), positions.begin() + static_cast<std::ptrdiff_t>(count));
    // Invariant: positions[< low] are at or below the point, positions[>= high] past it.
    std::size_t low = 0;
    std::size_t high = count;
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        const auto header = read_header(ring, positions[middle]);
        if (!header || header->type != layout::record_type::message) return hint_result::retry;
        if (header->bus_seq <= after_bus_seq)
            low = middle + 1;
        else
            high = middle;
    }
    if (low == 0) return hint_result::none;
    found = positions[low - 1];
    return hint_result::found;
}

std::optional<resume_point> try_resume_walk(const_ring_span ring, std::uint64_t after_bus_seq) {
    const std::uint64_t tail = ring.header->tail.load(std::memory_order_acquire);
    std::uint64_t position = ring.header->head.load(std::memory_order_acquire);
    if (position > tail || tail - position > ring.capacity) return std::nullopt;
    resume_point point{tail, 1, false};
    bool first_message = true;
    while (position < tail) {
        const auto header = read_header(ring, position);
        if (!header) return std::nullopt;
        if (header->type == layout::record_type::message) {
            if (first_message) {
                first_message = false;
                point.may_have_lost = header->ring_seq > 1 && header->bus_seq > after_bus_seq + 1;
                if (header->bus_seq <= after_bus_seq) {
                    // Skip what lies before the point; the loop goes on from
                    // the entry found, itself at or below the point.
                    std::uint64_t hint = 0;
                    switch (closest_hint(ring, position, tail, after_bus_seq, hint)) {
                        case hint_result::retry:
                            return std::nullopt;
                        case hint_result::found:
                            position = hint;
                            continue;
                        case hint_result::none:
                            break;
                    }
                }
            }
            if (header->bus_seq > after_bus_seq) {
                point.position = position;
                point.ring_seq = header->ring_seq;
                return point;
            }
            point.ring_seq = header->ring_seq + 1;
        }
        position += layout::align_record(header->length);
    }
    if (position != tail) return std::nullopt;
    return point;
}

}  // namespace

std::optional<located_header> oldest_message(const_ring_span ring) {
    // head first: the writer moves head before tail.
    std::uint64_t position = ring.header->head.load(std::memory_order_acquire);
    const std::uint64_t tail = ring.header->tail.load(std::memory_order_acquire);
    // Padding may come first, never twice in a row.
    for (int step = 0; step < 2 && position < tail; ++step) {
        const auto header = read_header(ring, position);
        if (!header) return std::nullopt;
        if (header->type == layout::record_type::message) return located_header{position, *header};
        position += layout::align_record(header->length);
    }
    return std::nullopt;
}

std::vector<std::uint64_t> index_bus_seqs(const_ring_span ring) {
    const auto oldest = oldest_message(ring);
    if (!oldest) return {};
    std::vector<std::uint64_t> bus_seqs{oldest->header.bus_seq};
    const std::uint64_t tail = ring.header->tail.load(std::memory_order_acquire);
    for (const auto& entry : ring.header->resume_index) {
        const std::uint64_t position = entry.load(std::memory_order_acquire);
        if (position <= oldest->position || position >= tail) continue;
        const auto header = read_header(ring, position);
        if (header && header->type == layout::record_type::message)
            bus_seqs.push_back(header->bus_seq);
    }
    std::sort(bus_seqs.begin(), bus_seqs.end());
    bus_seqs.erase(std::unique(bus_seqs.begin(), bus_seqs.end()), bus_seqs.end());
    return bus_seqs;
}

resume_point find_resume_point(const_ring_span ring, std::uint64_t after_bus_seq) {
    constexpr int attempts = 1000;
    for (int i = 0; i < attempts; ++i) {
        if (auto point = try_resume_walk(ring, after_bus_seq)) return *point;
    }
    throw std::runtime_error(
        "shm ring: cannot find a resume point in a ring the writer keeps lapping");
}

ring_end find_end(const_ring_span ring) {
    constexpr int attempts = 1000;
    for (int i = 0; i < attempts; ++i) {
        if (auto end = try_walk(ring)) return *end;
    }
    throw std::runtime_error("shm ring: cannot find the end of a ring the writer keeps lapping");
}

}  // namespace hookbot::shm_ring::detail
