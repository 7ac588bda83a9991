#include "supervisor/slot_reservations.hpp"

#include <unistd.h>

#include "hookbot/posix/process.hpp"

namespace hookbot::serve {

using posix::process_is_gone;

slot_reservations::slot_reservations(const shm_ring::bus& bus) : bus_(bus), holder_(::getpid()) {}

bool slot_reservations::reserve(std::uint32_t index) {
    std::int32_t expected = 0;
    return bus_.slot(index).pid.compare_exchange_strong(expected, holder_) || expected == holder_;
}

std::optional<std::uint32_t> slot_reservations::reserve_free() {
    for (std::uint32_t index = 0; index < bus_.worker_slot_count(); ++index) {
        std::int32_t holder = bus_.slot(index).pid.load(std::memory_order_acquire);
        if (holder != 0 && !process_is_gone(holder)) continue;
        if (bus_.slot(index).pid.compare_exchange_strong(holder, holder_)) return index;
    }
    return std::nullopt;
}

void slot_reservations::hold_after_exit(std::uint32_t index, pid_t child) {
    std::int32_t expected = child;
    bus_.slot(index).pid.compare_exchange_strong(expected, holder_);
}

void slot_reservations::release(std::uint32_t index, pid_t child) {
    for (const std::int32_t held_by : {static_cast<std::int32_t>(child), holder_}) {
        std::int32_t expected = held_by;
        bus_.slot(index).pid.compare_exchange_strong(expected, 0);
    }
}

}  // namespace hookbot::serve
