#pragma once

#include <cstddef>

// The only code that touches record bytes in a ring. The writer fills a region
// readers may be copying at the same moment (seqlock style): a reader keeps
// its copy only if it validates afterwards (ring_reader). That race is by
// design, so these two helpers, and nothing else, are hidden from TSan.
namespace hookbot::shm_ring::detail {

void copy_into_ring(std::byte* ring_bytes, const void* source, std::size_t bytes) noexcept;
void copy_from_ring(void* destination, const std::byte* ring_bytes, std::size_t bytes) noexcept;

}  // namespace hookbot::shm_ring::detail
