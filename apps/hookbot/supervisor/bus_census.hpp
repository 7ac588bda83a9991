#pragma once

#include <cstdint>
#include <string>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::serve {

// What the workers' slots in the bus's control segment say, summed: the
// figures `hookbot serve` reports to systemd as STATUS=.
struct bus_census {
    std::uint64_t workers = 0;  // slots held by a live pid
    std::uint64_t subscribers = 0;
    std::uint64_t delivered = 0;
    std::uint64_t dropped = 0;
    std::uint64_t lapped = 0;
};

// Reads every slot once (relaxed loads: a snapshot for people, not a
// consistent cut).
bus_census take_census(const shm_ring::bus& bus);

// "2 workers, 3 subscribers, 10 delivered, 0 dropped, 0 lapped".
std::string describe(const bus_census& census);

}  // namespace hookbot::serve
