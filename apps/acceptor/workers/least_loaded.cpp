#include "workers/least_loaded.hpp"

namespace hookbot::acceptor {

std::optional<std::size_t> least_loaded_choice::choose(
    std::span<const std::uint64_t> loads) noexcept {
    std::optional<std::size_t> best;
    for (std::size_t step = 0; step < loads.size(); ++step) {
        const std::size_t index = (next_ + step) % loads.size();
        if (loads[index] == unavailable_load) continue;
        if (!best || loads[index] < loads[*best]) best = index;
    }
    if (best) next_ = *best + 1;
    return best;
}

}  // namespace hookbot::acceptor
