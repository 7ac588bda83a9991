#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "hookbot/shm_ring/counters.hpp"

namespace hookbot::fanout {

// A worker's subscribers per topic prefix, for /metrics: the prefix is the
// topic up to its first '/' ("github.com" of "github.com/foo/bar"). Kept
// exactly here (one entry per prefix with subscribers, so memory is bounded
// by the subscribers); only the largest few reach the bus (publish).
class topic_prefixes {
  public:
    static std::string_view prefix_of(std::string_view topic) noexcept;

    void add(std::string_view topic);
    void remove(std::string_view topic);

    // Writes the largest prefixes to `table` (ties by name, so the page is
    // stable) if anything changed since the last call.
    void publish(shm_ring::topic_prefix_table& table);

    [[nodiscard]] std::size_t distinct() const noexcept { return counts_.size(); }

  private:
    std::unordered_map<std::string, std::uint64_t> counts_;
    bool changed_ = true;
};

}  // namespace hookbot::fanout
