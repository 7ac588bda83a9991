#pragma once

#include <cstdint>
#include <string>

namespace hookbot::shm_ring::stress {

// Everything a run is sized by; see parse_config for the flags.
struct stress_config {
    std::string instance;
    std::uint64_t records = 3'000'000;
    std::uint32_t shards = 4;
    std::uint64_t ring_bytes = 8u << 20;
    std::uint32_t readers = 2;       // reader 0 is the slow one
    std::uint64_t slow_every = 256;  // the slow reader naps after this many records
    std::uint32_t slow_nap_us = 2000;
    bool pace_fast = true;  // writer stays within half the rings of fast readers
    std::uint32_t timeout_s = 50;
    std::uint64_t seed = 0x5eed;
};

// Flags: --records N --shards N --ring-bytes N --readers N --slow-every N
// --slow-nap-us N --pace-fast 0|1 --timeout-s N --seed N. HOOKBOT_STRESS_RECORDS in the
// environment overrides --records (to scale a run without editing the test).
// Throws std::invalid_argument on a bad flag.
stress_config parse_config(int argc, char** argv);

}  // namespace hookbot::shm_ring::stress
