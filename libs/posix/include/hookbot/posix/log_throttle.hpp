#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "hookbot/posix/log.hpp"

namespace hookbot::log {

// Lines about one kind of event caused from outside (a client, a subscriber,
// a webhook sender), at most `burst` per minute: a flood of bad requests or a
// network hiccup that breaks thousands of connections at once must not flood
// the journal. What was held back is counted in the next line written.
// Single-threaded, like the event loop that uses it.
class throttle {
  public:
    // `what` names the events in the "held back" line ("subscriber warnings").
    throttle(unsigned burst, std::string what) : burst_(burst), what_(std::move(what)) {}

    template <typename... Parts>
    void warning(const Parts&... parts) {
        line(level::warning, parts...);
    }
    template <typename... Parts>
    void info(const Parts&... parts) {
        line(level::info, parts...);
    }

    template <typename... Parts>
    void line(level lvl, const Parts&... parts) {
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
    unsigned burst_;
    std::string what_;
    unsigned written_ = 0;
    std::uint64_t held_back_ = 0;
    std::chrono::steady_clock::time_point window_start_{};
};

}  // namespace hookbot::log
