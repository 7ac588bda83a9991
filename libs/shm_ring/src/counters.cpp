#include "hookbot/shm_ring/counters.hpp"

#include <algorithm>
#include <cstring>

namespace hookbot::shm_ring {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

void store_name(topic_prefix_table::entry& entry, std::string_view name) noexcept {
    std::array<std::uint64_t, topic_prefix_table::name_words> words{};
    // An empty view may have no data at all: memcpy from null is undefined.
    if (!name.empty()) std::memcpy(words.data(), name.data(), name.size());
    for (std::size_t i = 0; i < words.size(); ++i) entry.name[i].store(words[i], relaxed);
    entry.name_length.store(name.size(), relaxed);
}

std::string load_name(const topic_prefix_table::entry& entry) {
    std::array<std::uint64_t, topic_prefix_table::name_words> words{};
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = entry.name[i].load(relaxed);
    // A torn read may show any length: the sequence check throws it away.
    const std::size_t length = std::min<std::uint64_t>(entry.name_length.load(relaxed),
                                                       topic_prefix_table::max_name_bytes);
    std::string name(length, '\0');
    std::memcpy(name.data(), words.data(), length);
    return name;
}

}  // namespace

// A sequence lock (Boehm, "Can seqlocks get along with programming language
// memory models?"): odd while writing, the data itself in relaxed atomics.
void write_topic_prefixes(topic_prefix_table& table, const prefix_counts& counts) noexcept {
    std::uint64_t sequence = table.sequence.load(relaxed);
    // Odd: the slot's previous worker died mid-write. Round up to even first,
    // or this write would leave it odd and readers retrying for ever.
    sequence += sequence % 2;
    table.sequence.store(sequence + 1, relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    std::uint64_t other = counts.other;
    std::size_t used = 0;
    for (const prefix_count& count : counts.top) {
        if (used == table.top.size() || count.name.size() > topic_prefix_table::max_name_bytes) {
            other += count.subscribers;
            continue;
        }
        store_name(table.top[used], count.name);
        table.top[used].subscribers.store(count.subscribers, relaxed);
        ++used;
    }
    for (; used < table.top.size(); ++used) {
        store_name(table.top[used], {});
        table.top[used].subscribers.store(0, relaxed);
    }
    table.other.store(other, relaxed);
    table.sequence.store(sequence + 2, std::memory_order_release);
}

std::optional<prefix_counts> read_topic_prefixes(const topic_prefix_table& table, int attempts) {
    for (int attempt = 0; attempt < attempts; ++attempt) {
        const std::uint64_t before = table.sequence.load(std::memory_order_acquire);
        if (before % 2 != 0) continue;
        prefix_counts counts;
        for (const auto& entry : table.top) {
            const std::uint64_t subscribers = entry.subscribers.load(relaxed);
            if (subscribers != 0) counts.top.push_back({load_name(entry), subscribers});
        }
        counts.other = table.other.load(relaxed);
        std::atomic_thread_fence(std::memory_order_acquire);
        if (table.sequence.load(relaxed) == before) return counts;
    }
    return std::nullopt;
}

}  // namespace hookbot::shm_ring
