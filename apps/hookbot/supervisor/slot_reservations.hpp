#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::serve {

// The bus's worker slots that the supervisor hands to its own workers. A slot
// is held with the supervisor's pid from the moment it is chosen until its
// worker claims it (`--slot K` takes it over), and again from the moment that
// worker dies until its replacement claims it. So a worker that attaches on
// its own (hookbot-fanout --attach), which claims the first free slot, never
// lands on a slot serve is about to use.
class slot_reservations {
  public:
    explicit slot_reservations(const shm_ring::bus& bus);

    // Holds slot `index`; false when another process holds it.
    bool reserve(std::uint32_t index);
    // Holds the first free slot (no pid, or a pid that no longer exists).
    std::optional<std::uint32_t> reserve_free();
    // Worker `child` in slot `index` died: hold the slot for its replacement.
    void hold_after_exit(std::uint32_t index, pid_t child);
    // The slot is no longer serve's (a worker removed at run time): frees it,
    // whether its worker cleared it on exit or died holding it.
    void release(std::uint32_t index, pid_t child);

  private:
    const shm_ring::bus& bus_;
    pid_t holder_;
};

}  // namespace hookbot::serve
