#pragma once

#include <array>
#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/counters.hpp"
#include "http/request_plan.hpp"
#include "http/responses.hpp"
#include "observe/metrics_access.hpp"

// /metrics: what hookbot exposes, in one place. collect() reads every counter
// of the bus's control segment (the acceptor's, the supervisor's, each
// worker slot's) and the rings' fill; render() writes the page. A new metric
// is a field in metrics_snapshot, a line in collect() and a family in
// render() (README lists them).
namespace hookbot::acceptor {

struct metrics_snapshot {
    using histogram = shm_ring::latency_histogram;

    // The acceptor's
    std::array<std::uint64_t, shm_ring::acceptor_counters::publish_statuses.size()> publishes{};
    std::uint64_t published_bytes = 0;
    std::uint64_t handoffs = 0;
    std::uint64_t publish_waits = 0;
    std::uint64_t publish_wait_us = 0;
    std::uint64_t publish_wait_timeouts = 0;
    std::uint64_t handoffs_failed = 0;
    std::uint64_t metrics_refused = 0;
    // The supervisor's
    std::uint64_t acceptor_restarts = 0;
    std::uint64_t worker_restarts = 0;
    // Every worker slot's, summed (a slot keeps counting across restarts)
    std::uint64_t deliveries = 0;
    std::array<std::uint64_t, shm_ring::drop_cause_count> dropped{};
    std::uint64_t slow_closes = 0;
    std::uint64_t lapped_records = 0;
    std::uint64_t lapped_events = 0;
    std::array<std::uint64_t, histogram::bucket_count> latency_buckets{};
    std::uint64_t latency_sum_us = 0;
    std::uint64_t socket_writes = 0;
    // Live workers: slot and subscribers
    struct worker {
        std::uint32_t slot = 0;
        std::uint64_t subscribers = 0;
    };
    std::vector<worker> workers;
    // Subscribers per topic prefix: the largest, and the rest together
    std::vector<shm_ring::prefix_count> topics;
    std::uint64_t topics_other = 0;
    // The rings
    std::vector<std::uint64_t> ring_fill_bytes;  // per shard
    std::vector<std::uint64_t> oldest_retained;  // per shard: a bus_seq, 0 for none
    // Per shard: how old that message was when collected, whole seconds.
    std::vector<std::optional<std::uint64_t>> oldest_retained_age_s;
    std::string epoch;  // as message ids write it
    std::uint64_t ring_bytes = 0;
    // Cluster mode only: the acceptor's link to the stream.
    struct cluster_link {
        bool connected = false;
        bool consuming = false;
        std::uint64_t stream_sequence = 0;
        std::uint64_t lag_messages = 0;
        std::uint64_t lag_us = 0;
        std::array<std::uint64_t, histogram::bucket_count> ack_buckets{};
        std::uint64_t ack_sum_us = 0;
        std::uint64_t refused_disconnected = 0;
        std::uint64_t refused_timeout = 0;
        std::uint64_t refused_error = 0;
        std::uint64_t bus_replacements = 0;
        std::uint64_t stream_resumes_served = 0;
        std::uint64_t stream_resumes_unserved = 0;
        std::uint64_t stream_resume_messages = 0;
    };
    std::optional<cluster_link> cluster;

    [[nodiscard]] std::uint64_t subscribers() const noexcept;
    [[nodiscard]] std::uint64_t dropped_total() const noexcept;
    [[nodiscard]] std::uint64_t publishes_ok() const noexcept { return publishes[0]; }
    [[nodiscard]] std::uint64_t publishes_refused() const noexcept;
};

// The page shows this many topic prefixes; the rest are summed.
inline constexpr std::size_t metrics_topic_prefixes = 10;

metrics_snapshot collect_metrics(const shm_ring::bus& bus);
std::string render_metrics(const metrics_snapshot& snapshot);

// The original hookbot's once-a-minute line: totals and, in brackets, the
// change since `previous`.
std::string counters_line(const metrics_snapshot& now, const metrics_snapshot& previous);

// Answers GET/HEAD /metrics for the acceptor (plain or forwarded requests).
class metrics_endpoint {
  public:
    metrics_endpoint(const shm_ring::bus& bus, metrics_access access)
        : bus_(bus), access_(access) {}

    responses::response answer(const metrics_plan& plan,
                               const std::optional<boost::asio::ip::address>& peer) const;

  private:
    const shm_ring::bus& bus_;
    metrics_access access_;
};

}  // namespace hookbot::acceptor
