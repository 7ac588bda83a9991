#pragma once

#include <atomic>

// The two fences of the seqlock between the writer's byte copies and a
// reader's validation (ring_writer::append, detail::copy_was_intact).
//
// TSan does not model fences and GCC says so (-Wtsan). That costs nothing
// here: the racy byte copies are hidden from TSan (ring_copy), and every
// control field is an atomic TSan does see. The fences stay in TSan builds so
// the code that runs is the code that ships.
namespace hookbot::shm_ring::detail {

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wtsan"
#endif

// Writer: the claim (tail_intent) is visible before any byte it covers changes.
inline void fence_before_overwrite() noexcept {
    std::atomic_thread_fence(std::memory_order_release);
}

// Reader: the bytes are copied before the claim is loaded again.
inline void fence_after_copy() noexcept {
    std::atomic_thread_fence(std::memory_order_acquire);
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace hookbot::shm_ring::detail
