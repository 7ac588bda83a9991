#pragma once

#include <chrono>
#include <cstdint>
#include <random>

// How long a client waits before it connects again: capped exponential
// backoff with jitter, so that a fleet of clients cut off at once by a server
// restart does not come back in one wave, and a server that stays down is
// asked at most once per `max`.
//
//   failure n (0-based):  nominal = min(max, initial · 2^n)
//                         delay   = nominal · (1 + u),  u uniform in [-jitter, +jitter]
//
// A connection that stayed up for `stable_after` resets n to 0: the next
// outage starts again from `initial`.
namespace hookbot::client {

struct backoff_options {
    std::chrono::milliseconds initial{1000};
    std::chrono::milliseconds max{30000};
    double jitter = 0.2;  // fraction of the nominal delay, each way; 0 to 1
    std::chrono::milliseconds stable_after{30000};
};

class reconnect_backoff {
  public:
    // `seed` makes the jitter reproducible (tests); by default it is random.
    explicit reconnect_backoff(backoff_options options,
                               std::uint64_t seed = std::random_device{}());

    // The wait before the next attempt; each call counts one more failure.
    std::chrono::milliseconds next_delay();

    // A connection ended after having been up for `up_for`: when that was at
    // least `stable_after`, the outage that follows starts from `initial`.
    void connection_ended(std::chrono::steady_clock::duration up_for);

    // Starts over from `initial` (a new piece of work, say).
    void reset() noexcept { failures_ = 0; }

    // Failures counted since the last reset.
    [[nodiscard]] unsigned failures() const noexcept { return failures_; }
    [[nodiscard]] const backoff_options& options() const noexcept { return options_; }

  private:
    backoff_options options_;
    std::mt19937_64 random_;
    unsigned failures_ = 0;
};

}  // namespace hookbot::client
