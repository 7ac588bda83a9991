#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::fanout {

// This process's worker slot in the bus control area, for as long as it runs:
// the pid says the slot is taken (the acceptor balances over taken slots),
// and is cleared on exit. The gauges a crashed predecessor left are reset;
// the counters (delivered, dropped, lapped) keep growing across restarts.
class slot_claim {
  public:
    // Takes slot `wanted`, or the first free one when none is given (free:
    // no pid, the pid of a process that no longer exists, or, for `wanted`,
    // the parent's: serve reserves a slot for the worker it starts). Throws
    // std::out_of_range for an index past the bus's slots, std::runtime_error
    // when `wanted` is held by a live process or every slot is taken.
    slot_claim(const shm_ring::bus& bus, std::optional<std::uint32_t> wanted, pid_t pid);
    ~slot_claim();
    slot_claim(const slot_claim&) = delete;
    slot_claim& operator=(const slot_claim&) = delete;

    [[nodiscard]] std::uint32_t index() const noexcept { return index_; }
    [[nodiscard]] shm_ring::worker_slot& slot() const noexcept { return *slot_; }

  private:
    std::uint32_t index_ = 0;
    shm_ring::worker_slot* slot_ = nullptr;
    pid_t pid_;
};

}  // namespace hookbot::fanout
