#pragma once

#include <vector>

#include "payload.hpp"
#include "stress_config.hpp"

namespace hookbot::shm_ring::stress {

// The writer process: config.records records of random sizes on random
// topics, then an end marker; rings the readers' doorbells after each commit.
// Returns the exit status.
int run_writer(const stress_config& config, const payload_pool& pool,
               const std::vector<int>& doorbells);

}  // namespace hookbot::shm_ring::stress
