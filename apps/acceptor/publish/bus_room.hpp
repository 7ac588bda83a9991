#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "hookbot/shm_ring/counters.hpp"

namespace hookbot::acceptor {

namespace net = boost::asio;

// Flow control from subscribers back to publishers. A publish is committed
// to the bus only while the bus writer is less than a window ahead of the
// slowest worker with subscribers; otherwise its answer waits, so that a
// publisher that sends as fast as it is answered is paced by the workers
// instead of lapping them (and losing messages by the million). Workers in
// turn stop reading while a subscriber's queue is behind (fanout's
// backlog_tracker), which holds this window shut.
//
// Waiting publishes are released in arrival order by one poll timer shared
// by all of them; a publish that waited `max_wait` is committed anyway (a
// worker that stuck is then lapped, and counts what it lost).
class bus_room {
  public:
    using clock = std::chrono::steady_clock;

    struct settings {
        // Publishes (commits) the writer may be ahead of the slowest worker.
        std::uint64_t window_records = 64;
        // Bytes of ring records it may be ahead: at most half a ring, so
        // that even a window all in one shard is never lapped.
        std::uint64_t window_bytes = 8u << 20;
        // How often waiting publishes look for room. A held publisher's next
        // publish waits for it: in the fanout bench (window shut most of the
        // time), 250 us gave 2.03-2.26M msgs/s, 50 us 2.26-2.45M (alternated,
        // 5 runs each).
        std::chrono::microseconds poll{50};
        // 0: no flow control, every publish is committed at once.
        std::chrono::milliseconds max_wait{1000};
        // Larger bodies travel in blobs: their records are small.
        std::uint64_t max_inline_body_bytes = 64u << 10;
    };

    // Where the room is measured: the newest committed bus_seq, and the
    // lowest one the workers that count have read (nullopt: none counts).
    struct positions {
        std::function<std::uint64_t()> written;
        std::function<std::optional<std::uint64_t>()> slowest_read;
    };

    bus_room(net::io_context& ioc, positions where, const settings& config,
             shm_ring::acceptor_counters& counters);
    bus_room(const bus_room&) = delete;
    bus_room& operator=(const bus_room&) = delete;

    // Calls `commit` (which appends one publish with these lengths to the
    // bus and answers it) now if the bus has room and nobody waits before
    // it, else once it has, or once max_wait has passed. Without a room
    // (nullptr) it commits at once.
    static void admit(bus_room* room, std::size_t topic_bytes, std::size_t body_bytes,
                      std::function<void()> commit);

    // Publishes waiting now.
    [[nodiscard]] std::size_t waiting() const noexcept { return waiters_.size(); }

  private:
    struct waiter {
        std::function<void()> commit;
        std::uint64_t record_bytes;
        clock::time_point since;
    };

    void enqueue(std::uint64_t record_bytes, std::function<void()> commit);
    [[nodiscard]] bool has_room(std::uint64_t record_bytes) const;
    void commit(const std::function<void()>& commit, std::uint64_t record_bytes);
    void arm();
    void on_poll();

    net::steady_timer poll_;
    positions where_;
    settings config_;
    shm_ring::acceptor_counters& counters_;
    std::deque<waiter> waiters_;
    // The last commits by their number (modulo the size, a power of two
    // above window_records): the newest bus_seq after each, and the bytes
    // committed in all by then. Where a reader's bus_seq falls among them
    // says how many commits and bytes it is behind. Commits, not bus_seqs,
    // are counted: a cluster's bus_seqs have gaps (cluster/stream_payload.hpp),
    // and a routed GitHub event commits two records at once.
    [[nodiscard]] std::uint64_t commits_after(std::uint64_t bus_seq) const noexcept;
    std::unique_ptr<std::uint64_t[]> seq_at_;
    std::unique_ptr<std::uint64_t[]> total_bytes_at_;
    std::uint64_t mask_ = 0;
    std::uint64_t commits_ = 0;
    std::uint64_t total_bytes_ = 0;
    bool armed_ = false;
};

}  // namespace hookbot::acceptor
