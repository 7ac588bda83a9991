#include "supervisor/bus_census.hpp"

namespace hookbot::serve {

bus_census take_census(const shm_ring::bus& bus) {
    bus_census census;
    for (std::uint32_t index = 0; index < bus.worker_slot_count(); ++index) {
        const auto& slot = bus.slot(index);
        if (slot.pid.load(std::memory_order_relaxed) == 0) continue;
        ++census.workers;
        census.subscribers += slot.subscribers.load(std::memory_order_relaxed);
        census.delivered += slot.delivered.load(std::memory_order_relaxed);
        census.dropped += slot.dropped.load(std::memory_order_relaxed);
        census.lapped += slot.lapped.load(std::memory_order_relaxed);
    }
    return census;
}

std::string describe(const bus_census& census) {
    auto plural = [](std::uint64_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    return plural(census.workers, "worker", "workers") + ", " +
           plural(census.subscribers, "subscriber", "subscribers") + ", " +
           std::to_string(census.delivered) + " delivered, " + std::to_string(census.dropped) +
           " dropped, " + std::to_string(census.lapped) + " lapped";
}

}  // namespace hookbot::serve
