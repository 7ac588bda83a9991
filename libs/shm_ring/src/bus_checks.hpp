#pragma once

#include <string>

#include "hookbot/shm_ring/bus.hpp"
#include "shm_segment.hpp"

// What create() refuses to build and open() refuses to map.
namespace hookbot::shm_ring::detail {

// Throws std::invalid_argument saying which option is wrong and why.
void check_instance_name(const std::string& instance);
void check_options(const bus_options& options);

// Throw std::runtime_error naming the segment when it is not a bus of this
// layout version, or its sizes do not add up.
void check_rings_segment(const shm_segment& rings);
void check_control_segment(const shm_segment& control, std::uint64_t rings_epoch);
// Throws std::runtime_error when a rings segment (already checked) was made
// with options other than `options`: it would not hold what they promise.
void check_same_options(const shm_segment& rings, const bus_options& options);

}  // namespace hookbot::shm_ring::detail
