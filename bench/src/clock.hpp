#pragma once

#include <cstdint>
#include <ctime>

namespace hookbot::bench {

// CLOCK_MONOTONIC in nanoseconds: the clock of every timestamp a body carries.
inline std::uint64_t now_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000U +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

// CPU time (user + system) this process has used, in nanoseconds.
inline std::uint64_t process_cpu_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000U +
           static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace hookbot::bench
