#include "stress_config.hpp"

#include <unistd.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace hookbot::shm_ring::stress {
namespace {

std::uint64_t number(std::string_view flag, const char* text) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0')
        throw std::invalid_argument(std::string(flag) + ": not a number");
    return value;
}

}  // namespace

stress_config parse_config(int argc, char** argv) {
    stress_config config;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument(std::string(flag) + ": missing value");
        const std::uint64_t value = number(flag, argv[++i]);
        if (flag == "--records")
            config.records = value;
        else if (flag == "--shards")
            config.shards = static_cast<std::uint32_t>(value);
        else if (flag == "--ring-bytes")
            config.ring_bytes = value;
        else if (flag == "--readers")
            config.readers = static_cast<std::uint32_t>(value);
        else if (flag == "--slow-every")
            config.slow_every = value;
        else if (flag == "--slow-nap-us")
            config.slow_nap_us = static_cast<std::uint32_t>(value);
        else if (flag == "--pace-fast")
            config.pace_fast = value != 0;
        else if (flag == "--timeout-s")
            config.timeout_s = static_cast<std::uint32_t>(value);
        else if (flag == "--seed")
            config.seed = value;
        else
            throw std::invalid_argument("unknown flag " + std::string(flag));
    }
    if (const char* records = std::getenv("HOOKBOT_STRESS_RECORDS"))
        config.records = number("HOOKBOT_STRESS_RECORDS", records);
    if (config.readers < 2 || config.slow_every == 0)
        throw std::invalid_argument("need --readers >= 2 and --slow-every >= 1");
    config.instance = "stress-" + std::to_string(::getpid());
    return config;
}

}  // namespace hookbot::shm_ring::stress
