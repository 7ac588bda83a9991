#pragma once

#include <cstdint>

#include "payload.hpp"
#include "stress_config.hpp"

namespace hookbot::shm_ring::stress {

// A reader process: opens the bus by name, takes worker slot `slot`, sends its
// doorbell's eventfd over `parent_socket`, then checks every record until the
// end marker. Publishes what it accepted and lost in its worker_slot
// (delivered, lapped). Returns the exit status: non-zero on any violation.
int run_reader(const stress_config& config, const payload_pool& pool, std::uint32_t slot,
               int parent_socket);

}  // namespace hookbot::shm_ring::stress
