#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>

namespace hookbot::acceptor {

// A load that can take no more work (a worker not yet ready, or full).
inline constexpr std::uint64_t unavailable_load = std::numeric_limits<std::uint64_t>::max();

// Picks the least-loaded of some workers. Ties go round-robin: among equal
// loads the first index at or after the one past the last pick wins, so a
// burst that finds every worker equally loaded still spreads over all of them.
class least_loaded_choice {
  public:
    // The chosen index, or nullopt when `loads` is empty or all unavailable.
    std::optional<std::size_t> choose(std::span<const std::uint64_t> loads) noexcept;

  private:
    std::size_t next_ = 0;
};

}  // namespace hookbot::acceptor
