#include "topics/subscriptions.hpp"

#include <atomic>
#include <utility>

#include "delivery/subscriber.hpp"

namespace hookbot::fanout {

void subscriptions::add(subscriber& target, std::string topic, bool recursive) {
    try {
        index_.add(target, topic, recursive);
    } catch (...) {
        withdraw_joining();
        throw;
    }
    if (const auto old = live_.find(&target); old != live_.end()) {
        prefixes_.remove(old->second.topic);
    }
    prefixes_.add(topic);
    live_.insert_or_assign(&target, subscription{std::move(topic), recursive, true});
    slot_->subscribers.store(live_.size(), std::memory_order_relaxed);
}

void subscriptions::announce_joining() noexcept {
    // seq_cst: ordered before the catch-up's reads against the acceptor's
    // commit-then-load (ring_if_serving, blob_store::read_by_all).
    slot_->subscribers.store(live_.size() + 1, std::memory_order_seq_cst);
    // The catch-up's loads of the bus come after the announcement.
    std::atomic_thread_fence(std::memory_order_seq_cst);
}

void subscriptions::withdraw_joining() noexcept {
    slot_->subscribers.store(live_.size(), std::memory_order_relaxed);
}

void subscriptions::unsubscribe(subscriber& target) {
    const auto it = live_.find(&target);
    if (it == live_.end() || !it->second.indexed) return;
    index_.remove(target, it->second.topic, it->second.recursive);
    it->second.indexed = false;
}

void subscriptions::remove(subscriber& target) {
    const auto it = live_.find(&target);
    if (it == live_.end()) return;
    if (it->second.indexed) index_.remove(target, it->second.topic, it->second.recursive);
    prefixes_.remove(it->second.topic);
    live_.erase(it);
    slot_->subscribers.store(live_.size(), std::memory_order_relaxed);
    if (live_.empty() && on_empty_) on_empty_();
}

void subscriptions::close_all_going_away() {
    // A copy: closing may remove a subscriber from live_ at once.
    std::vector<subscriber*> targets;
    targets.reserve(live_.size());
    for (const auto& entry : live_) targets.push_back(entry.first);
    for (subscriber* target : targets) target->close_going_away();
}

void subscriptions::count_delivered(std::uint64_t n) noexcept {
    if (n != 0) slot_->delivered.fetch_add(n, std::memory_order_relaxed);
}

void subscriptions::count_dropped(std::uint64_t n, shm_ring::drop_cause cause) noexcept {
    if (n == 0) return;
    slot_->dropped.fetch_add(n, std::memory_order_relaxed);
    slot_->counters.dropped_by_cause[static_cast<std::size_t>(cause)].fetch_add(
        n, std::memory_order_relaxed);
}

void subscriptions::count_slow_close() noexcept {
    slot_->counters.slow_closes.fetch_add(1, std::memory_order_relaxed);
}

void subscriptions::count_socket_write() noexcept {
    shm_ring::add_own(slot_->counters.socket_writes, 1);
}

void subscriptions::count_written(std::uint32_t commit_us, std::uint32_t written_us) noexcept {
    shm_ring::add_own(slot_->counters.frames_written, 1);
    slot_->counters.publish_to_write.record(shm_ring::elapsed_us32(commit_us, written_us));
}

stream_fetcher* subscriptions::stream() const noexcept {
    const bool cluster = source_ != nullptr &&
                         source_->acceptor().cluster.enabled.load(std::memory_order_relaxed) != 0;
    return cluster ? stream_ : nullptr;
}

}  // namespace hookbot::fanout
