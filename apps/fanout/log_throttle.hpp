#pragma once

#include <chrono>
#include <cstdint>

#include "hookbot/posix/log.hpp"

namespace hookbot::fanout {

// Warnings about individual subscribers, at most `burst` per minute: a network
// hiccup that breaks thousands of connections at once must not flood the
// journal. What was held back is counted in the next line written.
class log_throttle {
public:
    explicit log_throttle(unsigned burst) : burst_(burst) {}

    template <typename... Parts>
    void warning(const Parts&... parts) {
        const auto now = std::chrono::steady_clock::now();
        if (now - window_start_ >= std::chrono::minutes(1)) {
            if (held_back_ != 0) {
                log::warning(held_back_, " more subscriber warnings were not logged");
            }
            window_start_ = now;
            written_ = 0;
            held_back_ = 0;
        }
        if (written_ < burst_) {
            ++written_;
            log::warning(parts...);
        } else {
            ++held_back_;
        }
    }

private:
    unsigned burst_;
    unsigned written_ = 0;
    std::uint64_t held_back_ = 0;
    std::chrono::steady_clock::time_point window_start_{};
};

}  // namespace hookbot::fanout
