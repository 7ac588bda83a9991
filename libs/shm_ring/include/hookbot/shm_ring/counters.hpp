#pragma once

#include <time.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The operational counters that live in the bus's control segment, so that
// every process can read them (the acceptor's /metrics sums them) and they
// outlive a restart of the process that writes them. Each struct has exactly
// one writing process; readers may see a value a moment old, never a torn
// one: relaxed atomics are enough for counters.
namespace hookbot::shm_ring {

using counter = std::atomic<std::uint64_t>;

// Adds to a counter of the calling process's own struct. With one writer a
// relaxed load and store are enough, and unlike fetch_add they cost no
// locked instruction: the workers count every frame they write.
inline void add_own(counter& value, std::uint64_t n) noexcept {
    value.store(value.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
}

// CLOCK_MONOTONIC in microseconds, modulo 2^32 (wraps every 71 minutes). It is
// the same clock in every process on a host, so a record's commit stamp
// (taken by the acceptor) and the time its frame is written (in a worker)
// subtract to the publish-to-write latency as long as that is under an hour.
inline std::uint32_t monotonic_us32() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto us = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
                    static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
    return static_cast<std::uint32_t>(us);
}

// CLOCK_REALTIME in microseconds since the Unix epoch: when a record was
// written, as people and other hosts read time (the age of what is retained).
inline std::uint64_t unix_time_us() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
           static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
}

// Microseconds from `earlier` to `later`, both from monotonic_us32().
constexpr std::uint32_t elapsed_us32(std::uint32_t earlier, std::uint32_t later) noexcept {
    return later - earlier;  // unsigned: right across one wrap
}

// A latency histogram kept by one worker: per-bucket counts (not cumulative,
// so one increment per observation) and the sum. The reader accumulates.
struct latency_histogram {
    // Upper bounds in microseconds: 50 µs to 2.5 s; above that, +Inf.
    static constexpr std::array<std::uint32_t, 15> upper_bounds_us = {
        50,    100,   250,    500,    1000,   2500,    5000,   10000,
        25000, 50000, 100000, 250000, 500000, 1000000, 2500000};
    static constexpr std::size_t bucket_count = upper_bounds_us.size() + 1;

    std::array<counter, bucket_count> buckets{};  // last: over the largest bound
    counter sum_us{0};

    void record(std::uint32_t us) noexcept {
        std::size_t bucket = 0;
        while (bucket < upper_bounds_us.size() && us > upper_bounds_us[bucket]) ++bucket;
        add_own(buckets[bucket], 1);
        add_own(sum_us, us);
    }
};

// Why a message meant for one subscriber was never written to it.
enum class drop_cause : std::uint32_t {
    queue_full = 0,       // its queue was full (--overflow drop)
    slow_subscriber = 1,  // its queue overflowed and it was closed (--overflow close)
    disconnected = 2,     // it closed or failed with the message still queued
};
inline constexpr std::size_t drop_cause_count = 3;
constexpr std::string_view drop_cause_name(drop_cause cause) noexcept {
    switch (cause) {
        case drop_cause::queue_full:
            return "queue_full";
        case drop_cause::slow_subscriber:
            return "slow_subscriber";
        case drop_cause::disconnected:
            return "disconnected";
    }
    return "unknown";
}

// One worker's subscribers per topic prefix (the topic's first segment:
// "github.com" of "github.com/foo/bar"), its largest `entries` only; the rest
// count in `other`. The worker rewrites it now and then under a sequence
// lock (odd while writing); the acceptor retries a read that saw it change.
// Names are stored in atomic words so that a torn read is a retry, not a race.
struct topic_prefix_table {
    static constexpr std::size_t entries = 8;
    static constexpr std::size_t name_words = 7;
    static constexpr std::size_t max_name_bytes = name_words * sizeof(std::uint64_t);

    struct entry {
        counter subscribers{0};
        std::atomic<std::uint64_t> name_length{0};
        std::array<std::atomic<std::uint64_t>, name_words> name{};
    };

    std::atomic<std::uint64_t> sequence{0};
    counter other{0};  // subscribers under any prefix not listed
    std::array<entry, entries> top{};
};

// One prefix and its subscribers, as topic_prefix_table holds them.
struct prefix_count {
    std::string name;
    std::uint64_t subscribers = 0;
};
struct prefix_counts {
    std::vector<prefix_count> top;  // at most topic_prefix_table::entries
    std::uint64_t other = 0;
};

// The worker's side: replaces the table's contents. Names longer than
// max_name_bytes count in `other`; entries past the table's size too.
void write_topic_prefixes(topic_prefix_table& table, const prefix_counts& counts) noexcept;
// The reader's side: a consistent copy, or nullopt when the worker kept
// rewriting it during `attempts` tries.
std::optional<prefix_counts> read_topic_prefixes(const topic_prefix_table& table,
                                                 int attempts = 100);

// What one fanout worker counts beyond the balancing fields of worker_slot.
struct worker_counters {
    std::array<counter, drop_cause_count> dropped_by_cause{};
    counter slow_closes{0};     // subscribers closed for overflowing their queue
    counter lapped_events{0};   // times the bus reader found itself lapped
    counter frames_written{0};  // messages whose write to a socket completed
    // Writes to subscribers' sockets (one writev, or one TLS record): frames
    // written per write is how well the worker batches.
    counter socket_writes{0};
    latency_histogram publish_to_write;
    topic_prefix_table topics;
};

// Cluster mode (--cluster): the acceptor's link to the NATS JetStream stream,
// for /metrics and the supervisor's status line. All zero on a single host.
struct cluster_counters {
    counter enabled{0};          // 1: this acceptor runs in cluster mode
    counter connected{0};        // 1 while the NATS connection is up
    counter consuming{0};        // 1 once this bus is the stream's and its consumer started
    counter stream_sequence{0};  // the newest stream sequence appended to this bus
    // What the consumer has yet to append (the stream's newest, as last seen,
    // less stream_sequence) and, while that is not 0, how long ago the stream
    // stored the newest message appended: how far behind this host is.
    counter lag_messages{0};
    counter lag_us{0};
    // Publish to JetStream acknowledgement, per acknowledged publish.
    latency_histogram publish_ack;
    // Publishes answered 503: NATS not connected, no acknowledgement within
    // --cluster-publish-timeout, JetStream answered with an error.
    counter refused_disconnected{0};
    counter refused_timeout{0};
    counter refused_error{0};
    // The identity the acceptor found the stream to have, when it exits to
    // have its bus replaced: the epoch the supervisor gives the new bus.
    counter requested_epoch{0};
    // Resumes from before what this bus holds, served from the stream (some
    // of their range read), or not (NATS out of reach, too many at once:
    // they go on from the bus, with a gap notice); messages sent for them.
    counter stream_resumes_served{0};
    counter stream_resumes_unserved{0};
    counter stream_resume_messages{0};
};

// What the acceptor counts. Its own area of the control segment, so the
// counters survive an acceptor restart.
struct acceptor_counters {
    // Answers to publish requests (publish endpoints, and POST on the root
    // endpoint), by status; anything else counts in the last.
    static constexpr std::array<std::uint16_t, 7> publish_statuses = {200, 400, 401, 405,
                                                                      413, 503, 0};
    std::array<counter, publish_statuses.size()> publishes{};
    counter published_bytes{0};  // bodies committed to the bus (after any envelope)
    counter handoffs{0};         // subscribers handed to a worker
    counter handoffs_failed{0};  // authorised subscribers no worker could take (503)
    counter metrics_refused{0};  // /metrics requests refused (401 or 403)
    // Flow control (the acceptor's bus_room): publishes held back because a
    // worker was too far behind, their total wait, and those committed
    // anyway when --max-publish-wait ran out.
    counter publish_waits{0};
    counter publish_wait_us{0};
    counter publish_wait_timeouts{0};
    cluster_counters cluster;

    void count_publish(unsigned status) noexcept {
        std::size_t i = 0;
        while (i + 1 < publish_statuses.size() && publish_statuses[i] != status) ++i;
        publishes[i].fetch_add(1, std::memory_order_relaxed);
    }
};

// What the supervisor (`hookbot serve`) counts: restarts of its children.
struct supervisor_counters {
    counter acceptor_restarts{0};
    counter worker_restarts{0};
    // Cluster mode: times the bus was replaced by one whose epoch is the
    // stream's identity (at a host's first start, and when the stream was
    // deleted and made again or NATS restarted empty). Carried over to
    // each new bus with the other two.
    counter bus_replacements{0};
};

static_assert(counter::is_always_lock_free);

}  // namespace hookbot::shm_ring
