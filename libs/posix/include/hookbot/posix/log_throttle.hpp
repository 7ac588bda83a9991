#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "hookbot/posix/log.hpp"

namespace hookbot::posix {

// Lines about one kind of event (`what`: "GitHub router lines"), at most
// `burst` per minute: a flood of bad input must not flood the journal. What
// was held back is counted in the next line written.
class log_throttle {
  public:
    log_throttle(std::string what, unsigned burst) : what_(std::move(what)), burst_(burst) {}

    template <typename... Parts>
    void warning(const Parts&... parts) {
        line(log::level::warning, parts...);
    }
    template <typename... Parts>
    void info(const Parts&... parts) {
        line(log::level::info, parts...);
    }

    template <typename... Parts>
    void line(log::level lvl, const Parts&... parts) {
        const auto now = std::chrono::steady_clock::now();
        if (now - window_start_ >= std::chrono::minutes(1)) {
            if (held_back_ != 0) log::warning(held_back_, " more ", what_, " were not logged");
            window_start_ = now;
            written_ = 0;
            held_back_ = 0;
        }
        if (written_ < burst_) {
            ++written_;
            log::line(lvl, parts...);
        } else {
            ++held_back_;
        }
    }

  private:
    std::string what_;
    unsigned burst_;
    unsigned written_ = 0;
    std::uint64_t held_back_ = 0;
    std::chrono::steady_clock::time_point window_start_{};
};

}  // namespace hookbot::posix
