#pragma once

#include <cstddef>
#include <cstdint>

#include "hookbot/shm_ring/layout.hpp"

namespace hookbot::shm_ring {

// Where one ring lives: its header and data area (see layout.hpp). The bus
// hands these out per shard; tests point them at plain aligned buffers.
struct ring_span {
    layout::ring_header* header;
    std::byte* data;
    std::uint64_t capacity;          // bytes in the data area; a power of two
    std::uint64_t max_record_bytes;  // no record is longer (<= capacity / 4)
};

struct const_ring_span {
    const layout::ring_header* header;
    const std::byte* data;
    std::uint64_t capacity;
    std::uint64_t max_record_bytes;

    const_ring_span(const layout::ring_header* h, const std::byte* d, std::uint64_t cap,
                    std::uint64_t max_record) noexcept
        : header(h), data(d), capacity(cap), max_record_bytes(max_record) {}
    // NOLINTNEXTLINE(google-explicit-constructor): a writable ring reads too.
    const_ring_span(const ring_span& ring) noexcept
        : const_ring_span(ring.header, ring.data, ring.capacity, ring.max_record_bytes) {}
};

}  // namespace hookbot::shm_ring
