#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "delivery/backlog_tracker.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "topics/topic_index.hpp"
#include "topics/topic_prefixes.hpp"

namespace hookbot::fanout {

class stream_fetcher;

// The worker's live subscribers: the topic index the bus tailer consults, the
// set closed on shutdown, and the slot counters the acceptor balances on.
// Holds plain pointers: a subscriber removes itself before it is destroyed.
// Outlives the io_context, so that subscribers destroyed with it can still
// remove themselves.
class subscriptions {
  public:
    // `source`: the bus resuming subscribers replay from (none: resumes are
    // answered with live messages only).
    explicit subscriptions(shm_ring::worker_slot& slot, const shm_ring::bus* source = nullptr)
        : slot_(&slot), source_(source) {}
    subscriptions(const subscriptions&) = delete;
    subscriptions& operator=(const subscriptions&) = delete;

    // Throws std::invalid_argument as topic_index::add does, and then
    // withdraws an announcement.
    void add(subscriber& target, std::string topic, bool recursive);
    // Stops deliveries to a subscriber that is closing; it stays counted (and
    // is waited for on shutdown) until remove. Idempotent.
    void unsubscribe(subscriber& target);
    // The connection is over. Idempotent: called when it ends and again when
    // the subscriber is destroyed.
    void remove(subscriber& target);

    void find(std::string_view topic, std::vector<topic_index::match>& out) const {
        index_.find(topic, out);
    }
    // Before a subscriber is added (after the worker catches up with the bus
    // for it): counts it in the slot already, so that the acceptor rings this
    // worker and keeps blobs for it (shm_ring::ring_if_serving). add() or the
    // next remove() sets the true count again.
    void announce_joining() noexcept;
    // The announced subscriber was refused before add(): the slot counts the
    // live ones again (a refused add() does this itself).
    void withdraw_joining() noexcept;
    // Live connections, closing ones included (the slot's `subscribers`).
    [[nodiscard]] std::size_t size() const noexcept { return live_.size(); }

    // Asks every subscriber to close with 1001 (they remove themselves later).
    void close_all_going_away();
    // Called whenever the last live subscriber is removed (shutdown waits on it).
    void on_empty(std::function<void()> callback) { on_empty_ = std::move(callback); }

    void count_delivered(std::uint64_t n) noexcept;
    void count_dropped(std::uint64_t n, shm_ring::drop_cause cause) noexcept;
    void count_slow_close() noexcept;
    // A frame's write completed at `written_us` (shm_ring::monotonic_us32(),
    // read once per write): one more for the publish-to-write histogram.
    void count_written(std::uint32_t commit_us, std::uint32_t written_us) noexcept;
    // One write to a subscriber's socket, of any number of frames.
    void count_socket_write() noexcept;
    // Refreshes the slot's subscribers-per-topic-prefix table if it changed.
    void publish_topic_prefixes() { prefixes_.publish(slot_->counters.topics); }
    [[nodiscard]] shm_ring::worker_slot& slot() const noexcept { return *slot_; }
    // The subscribers' queues that are behind (they report it themselves).
    [[nodiscard]] backlog_tracker& backlog() noexcept { return backlog_; }

    [[nodiscard]] const shm_ring::bus* source() const noexcept { return source_; }
    // The bus_seq of the last record the bus tailer has handed out (or
    // skipped): a resume names no id past it that this bus wrote.
    [[nodiscard]] std::uint64_t delivered_through() const noexcept { return delivered_through_; }
    void delivered_through(std::uint64_t bus_seq) noexcept { delivered_through_ = bus_seq; }
    // --retention-age: resumes replay nothing older (0: no bound).
    [[nodiscard]] std::chrono::milliseconds retention_age() const noexcept {
        return retention_age_;
    }
    void set_retention_age(std::chrono::milliseconds age) noexcept { retention_age_ = age; }
    // Cluster mode: where resumes ask for what the bus no longer holds.
    void resume_from_stream(stream_fetcher* fetcher) noexcept { stream_ = fetcher; }
    // That fetcher while the acceptor runs in cluster mode (the bus's
    // control segment says so), else nullptr.
    [[nodiscard]] stream_fetcher* stream() const noexcept;

  private:
    struct subscription {
        std::string topic;
        bool recursive;
        bool indexed;
    };

    shm_ring::worker_slot* slot_;
    const shm_ring::bus* source_;
    std::uint64_t delivered_through_ = 0;
    std::chrono::milliseconds retention_age_{0};
    stream_fetcher* stream_ = nullptr;
    topic_index index_;
    topic_prefixes prefixes_;
    std::unordered_map<subscriber*, subscription> live_;
    std::function<void()> on_empty_;
    // Queues report to it until they are destroyed, with their subscribers,
    // before this object is (see above).
    backlog_tracker backlog_;
};

}  // namespace hookbot::fanout
