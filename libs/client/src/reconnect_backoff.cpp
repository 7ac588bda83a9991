#include "hookbot/client/reconnect_backoff.hpp"

#include <algorithm>

namespace hookbot::client {

reconnect_backoff::reconnect_backoff(backoff_options options, std::uint64_t seed)
    : options_(options), random_(seed) {
    options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
    options_.max = std::max(options_.max, options_.initial);
}

std::chrono::milliseconds reconnect_backoff::next_delay() {
    // Doubling stops once past the cap, so the shift never overflows.
    auto nominal = options_.initial;
    for (unsigned i = 0; i < failures_ && nominal.count() > 0 && nominal < options_.max; ++i) {
        nominal *= 2;
    }
    nominal = std::min(nominal, options_.max);
    ++failures_;
    std::uniform_real_distribution<double> spread(-options_.jitter, options_.jitter);
    const double factor = 1.0 + spread(random_);
    return std::chrono::milliseconds(
        static_cast<std::chrono::milliseconds::rep>(static_cast<double>(nominal.count()) * factor));
}

void reconnect_backoff::connection_ended(std::chrono::steady_clock::duration up_for) {
    if (up_for >= options_.stable_after) failures_ = 0;
}

}  // namespace hookbot::client
