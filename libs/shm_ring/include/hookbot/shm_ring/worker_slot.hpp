#pragma once

#include <atomic>
#include <cstdint>

#include "hookbot/shm_ring/counters.hpp"

namespace hookbot::shm_ring {

// One per fanout worker, in the control segment. Written by that worker,
// read by the acceptor (load balancing, doorbell) and /status, /metrics.
struct worker_slot {
    std::atomic<std::int32_t> pid{0};           // 0: slot free
    std::atomic<std::uint32_t> sleeping{0};     // 1: reader waits on its eventfd
    std::atomic<std::uint64_t> subscribers{0};  // live subscribers
    std::atomic<std::uint64_t> delivered{0};    // messages queued to subscribers
    std::atomic<std::uint64_t> dropped{0};      // messages dropped for slow subscribers
    std::atomic<std::uint64_t> lapped{0};       // records lost: lapped, or their blob gone
    // Every blob record up to this bus_seq is read: the writer may unlink it.
    std::atomic<std::uint64_t> blob_read_bus_seq{0};
    worker_counters counters;  // for /metrics (counters.hpp)
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

}  // namespace hookbot::shm_ring
