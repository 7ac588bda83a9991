#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace hookbot::limits {

// One limit as an option: the name it has on every command line that takes
// it, its default, the closed range it must lie in, and what it bounds.
template <typename T>
struct limit {
    std::string_view name;
    T default_value;
    T least;
    T most;
    std::string_view help;
};

// Limits in seconds are given as decimals ("0.5") and kept as milliseconds.
using seconds_limit = limit<double>;

// An option that picks one of two behaviours, by name.
struct choice {
    std::string_view name;
    std::string_view default_value;
    std::array<std::string_view, 2> allowed;
    std::string_view help;
};

inline std::chrono::milliseconds to_milliseconds(double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

inline std::chrono::milliseconds default_milliseconds(const seconds_limit& spec) {
    return to_milliseconds(spec.default_value);
}

}  // namespace hookbot::limits
