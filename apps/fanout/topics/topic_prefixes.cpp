#include "topics/topic_prefixes.hpp"

#include <algorithm>
#include <vector>

namespace hookbot::fanout {

std::string_view topic_prefixes::prefix_of(std::string_view topic) noexcept {
    return topic.substr(0, topic.find('/'));
}

void topic_prefixes::add(std::string_view topic) {
    ++counts_[std::string(prefix_of(topic))];
    changed_ = true;
}

void topic_prefixes::remove(std::string_view topic) {
    const auto it = counts_.find(std::string(prefix_of(topic)));
    if (it == counts_.end()) return;
    if (--it->second == 0) counts_.erase(it);
    changed_ = true;
}

void topic_prefixes::publish(shm_ring::topic_prefix_table& table) {
    if (!changed_) return;
    changed_ = false;
    std::vector<shm_ring::prefix_count> all;
    all.reserve(counts_.size());
    for (const auto& [name, subscribers] : counts_) all.push_back({name, subscribers});
    const auto larger = [](const shm_ring::prefix_count& a, const shm_ring::prefix_count& b) {
        return a.subscribers != b.subscribers ? a.subscribers > b.subscribers : a.name < b.name;
    };
    const std::size_t shown = std::min(all.size(), shm_ring::topic_prefix_table::entries);
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown), all.end(),
                      larger);
    shm_ring::prefix_counts counts;
    counts.top.assign(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(shown));
    for (std::size_t i = shown; i < all.size(); ++i) counts.other += all[i].subscribers;
    shm_ring::write_topic_prefixes(table, counts);
}

}  // namespace hookbot::fanout
