#include "observe/metrics_page.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <numeric>

#include "hookbot/shm_ring/message_id.hpp"
#include "observe/prometheus_text.hpp"

namespace hookbot::acceptor {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

template <std::size_t N>
void add_all(std::array<std::uint64_t, N>& into, const std::array<shm_ring::counter, N>& from) {
    for (std::size_t i = 0; i < N; ++i) into[i] += from[i].load(relaxed);
}

void collect_worker(metrics_snapshot& s, std::uint32_t index, const shm_ring::worker_slot& slot,
                    std::map<std::string, std::uint64_t>& prefixes) {
    const auto& counters = slot.counters;
    s.deliveries += slot.delivered.load(relaxed);
    add_all(s.dropped, counters.dropped_by_cause);
    s.slow_closes += counters.slow_closes.load(relaxed);
    s.lapped_records += slot.lapped.load(relaxed);
    s.lapped_events += counters.lapped_events.load(relaxed);
    add_all(s.latency_buckets, counters.publish_to_write.buckets);
    s.latency_sum_us += counters.publish_to_write.sum_us.load(relaxed);
    s.socket_writes += counters.socket_writes.load(relaxed);
    if (slot.pid.load(relaxed) == 0) return;  // counters stay; load and topics go
    const std::uint64_t subscribers = slot.subscribers.load(relaxed);
    s.workers.push_back({index, subscribers});
    const auto table = shm_ring::read_topic_prefixes(counters.topics);
    if (!table) {
        // Rewritten throughout our tries: count its subscribers unnamed.
        s.topics_other += subscribers;
        return;
    }
    for (const auto& entry : table->top) prefixes[entry.name] += entry.subscribers;
    s.topics_other += table->other;
}

// Keeps the largest prefixes (ties by name) and sums the rest into other:
// the page stays bounded whatever topics clients choose.
void keep_largest_prefixes(metrics_snapshot& s, std::map<std::string, std::uint64_t>& prefixes) {
    for (auto& [name, subscribers] : prefixes) s.topics.push_back({name, subscribers});
    std::stable_sort(s.topics.begin(), s.topics.end(),
                     [](const auto& a, const auto& b) { return a.subscribers > b.subscribers; });
    while (s.topics.size() > metrics_topic_prefixes) {
        s.topics_other += s.topics.back().subscribers;
        s.topics.pop_back();
    }
}

std::string status_label(std::uint16_t status) {
    return status == 0 ? "other" : std::to_string(status);
}

}  // namespace

std::uint64_t metrics_snapshot::subscribers() const noexcept {
    std::uint64_t total = 0;
    for (const worker& w : workers) total += w.subscribers;
    return total;
}

std::uint64_t metrics_snapshot::dropped_total() const noexcept {
    return std::accumulate(dropped.begin(), dropped.end(), std::uint64_t{0}) + lapped_records;
}

std::uint64_t metrics_snapshot::publishes_refused() const noexcept {
    return std::accumulate(publishes.begin() + 1, publishes.end(), std::uint64_t{0});
}

void collect_cluster(metrics_snapshot& s, const shm_ring::cluster_counters& counters,
                     const shm_ring::supervisor_counters& supervisor) {
    if (counters.enabled.load(relaxed) == 0) return;
    metrics_snapshot::cluster_link& link = s.cluster.emplace();
    link.connected = counters.connected.load(relaxed) != 0;
    link.consuming = counters.consuming.load(relaxed) != 0;
    link.stream_sequence = counters.stream_sequence.load(relaxed);
    link.lag_messages = counters.lag_messages.load(relaxed);
    link.lag_us = counters.lag_us.load(relaxed);
    add_all(link.ack_buckets, counters.publish_ack.buckets);
    link.ack_sum_us = counters.publish_ack.sum_us.load(relaxed);
    link.refused_disconnected = counters.refused_disconnected.load(relaxed);
    link.refused_timeout = counters.refused_timeout.load(relaxed);
    link.refused_error = counters.refused_error.load(relaxed);
    link.bus_replacements = supervisor.bus_replacements.load(relaxed);
    link.stream_resumes_served = counters.stream_resumes_served.load(relaxed);
    link.stream_resumes_unserved = counters.stream_resumes_unserved.load(relaxed);
    link.stream_resume_messages = counters.stream_resume_messages.load(relaxed);
}

void render_cluster(prometheus_text& page, const metrics_snapshot::cluster_link& link) {
    page.gauge("hookbot_cluster_connected",
               "Cluster mode: 1 while the acceptor's connection to NATS is up.",
               link.connected ? 1 : 0);
    page.gauge("hookbot_cluster_consuming",
               "Cluster mode: 1 once this host's bus is the stream's and it consumes the "
               "stream (a host's first start replaces its bus first).",
               link.consuming ? 1 : 0);
    page.gauge("hookbot_cluster_stream_sequence",
               "Cluster mode: the newest stream sequence appended to this host's bus.",
               link.stream_sequence);
    page.gauge("hookbot_cluster_consumer_lag_messages",
               "Cluster mode: messages the stream holds that this host has yet to append.",
               link.lag_messages);
    page.gauge_us("hookbot_cluster_consumer_lag_seconds",
                  "Cluster mode: while messages are yet to be appended, how long ago the "
                  "stream stored the newest one appended; 0 when caught up.",
                  link.lag_us);
    page.histogram_us("hookbot_cluster_publish_ack_seconds",
                      "Cluster mode: time from a publish sent to the stream to JetStream's "
                      "acknowledgement (stored on a quorum).",
                      metrics_snapshot::histogram::upper_bounds_us, link.ack_buckets,
                      link.ack_sum_us);
    page.family("hookbot_cluster_publishes_refused_total", "counter",
                "Cluster mode: publishes answered 503 because NATS was not connected, because "
                "JetStream did not acknowledge them within --cluster-publish-timeout, or "
                "because it answered an error.");
    page.sample("hookbot_cluster_publishes_refused_total", {{"reason", "disconnected"}},
                link.refused_disconnected);
    page.sample("hookbot_cluster_publishes_refused_total", {{"reason", "timeout"}},
                link.refused_timeout);
    page.sample("hookbot_cluster_publishes_refused_total", {{"reason", "error"}},
                link.refused_error);
    page.family("hookbot_cluster_stream_resumes_total", "counter",
                "Cluster mode: resumes from an id older than this host's bus holds, served "
                "from the stream, or not (NATS out of reach, too many at once: those go on "
                "from the bus with a gap notice).");
    page.sample("hookbot_cluster_stream_resumes_total", {{"result", "served"}},
                link.stream_resumes_served);
    page.sample("hookbot_cluster_stream_resumes_total", {{"result", "unserved"}},
                link.stream_resumes_unserved);
    page.counter("hookbot_cluster_stream_resume_messages_total",
                 "Cluster mode: messages read from the stream for those resumes.",
                 link.stream_resume_messages);
    page.counter("hookbot_bus_replacements_total",
                 "Cluster mode: times the bus was replaced by one whose epoch is the stream's "
                 "identity (a host's first start, a stream made again, NATS restarted empty).",
                 link.bus_replacements);
}

metrics_snapshot collect_metrics(const shm_ring::bus& bus) {
    metrics_snapshot s;
    const shm_ring::acceptor_counters& acceptor = bus.acceptor();
    add_all(s.publishes, acceptor.publishes);
    s.published_bytes = acceptor.published_bytes.load(relaxed);
    s.handoffs = acceptor.handoffs.load(relaxed);
    s.handoffs_failed = acceptor.handoffs_failed.load(relaxed);
    s.metrics_refused = acceptor.metrics_refused.load(relaxed);
    s.publish_waits = acceptor.publish_waits.load(relaxed);
    s.publish_wait_us = acceptor.publish_wait_us.load(relaxed);
    s.publish_wait_timeouts = acceptor.publish_wait_timeouts.load(relaxed);
    s.acceptor_restarts = bus.supervisor().acceptor_restarts.load(relaxed);
    s.worker_restarts = bus.supervisor().worker_restarts.load(relaxed);

    std::map<std::string, std::uint64_t> prefixes;
    for (std::uint32_t i = 0; i < bus.worker_slot_count(); ++i) {
        collect_worker(s, i, bus.slot(i), prefixes);
    }
    keep_largest_prefixes(s, prefixes);

    s.ring_bytes = bus.ring_bytes();
    const std::uint64_t now_us = shm_ring::unix_time_us();
    for (std::uint32_t shard = 0; shard < bus.shard_count(); ++shard) {
        s.ring_fill_bytes.push_back(bus.ring_fill_bytes(shard));
        const auto oldest = bus.oldest_retained(shard);
        s.oldest_retained.push_back(oldest ? oldest->bus_seq : 0);
        // A clock stepped back since the write reads as age 0, not as 584k years.
        s.oldest_retained_age_s.push_back(
            oldest ? std::optional((now_us - std::min(now_us, oldest->unix_us)) / 1'000'000)
                   : std::nullopt);
    }
    s.epoch = shm_ring::format_epoch(bus.epoch());
    collect_cluster(s, acceptor.cluster, bus.supervisor());
    return s;
}

std::string render_metrics(const metrics_snapshot& s) {
    prometheus_text page;
    using statuses = shm_ring::acceptor_counters;

    page.family("hookbot_publishes_total", "counter",
                "Publish requests (publish endpoints, POST on the root endpoint) by the status "
                "they were answered with.");
    for (std::size_t i = 0; i < statuses::publish_statuses.size(); ++i) {
        page.sample("hookbot_publishes_total",
                    {{"code", status_label(statuses::publish_statuses[i])}}, s.publishes[i]);
    }
    page.counter("hookbot_published_bytes_total",
                 "Bytes of message bodies committed to the bus (after any github envelope).",
                 s.published_bytes);
    page.counter("hookbot_deliveries_total",
                 "Messages queued to subscribers: one per message and matching subscriber.",
                 s.deliveries);

    page.family("hookbot_drops_total", "counter",
                "Messages lost, by cause. queue_full, slow_subscriber, disconnected: per "
                "subscriber (its queue was full; it overflowed and was closed; it went away with "
                "the message queued). lapped: bus records a worker lost to lapping. oversize: "
                "publishes refused with 413.");
    for (std::size_t i = 0; i < shm_ring::drop_cause_count; ++i) {
        const auto cause = static_cast<shm_ring::drop_cause>(i);
        page.sample("hookbot_drops_total", {{"cause", shm_ring::drop_cause_name(cause)}},
                    s.dropped[i]);
    }
    page.sample("hookbot_drops_total", {{"cause", "lapped"}}, s.lapped_records);
    page.sample("hookbot_drops_total", {{"cause", "oversize"}}, s.publishes[4]);
    static_assert(statuses::publish_statuses[4] == 413);

    page.counter("hookbot_slow_subscriber_closes_total",
                 "Subscribers closed (1008) because their queue overflowed (--overflow close).",
                 s.slow_closes);
    page.counter("hookbot_lapped_events_total",
                 "Times a worker's bus reader found the writer had lapped it.", s.lapped_events);

    page.counter("hookbot_publish_waits_total",
                 "Publishes held back before their commit because a worker with subscribers was "
                 "too far behind the bus (flow control).",
                 s.publish_waits);
    page.counter_us("hookbot_publish_wait_seconds_total", "Time those publishes waited, in all.",
                    s.publish_wait_us);
    page.counter("hookbot_publish_wait_timeouts_total",
                 "Held-back publishes committed anyway after --max-publish-wait (a worker that "
                 "far behind may be lapped).",
                 s.publish_wait_timeouts);

    page.family("hookbot_handoffs_total", "counter",
                "Authorised subscribers handed to a fanout worker (ok), or answered 503 because "
                "none could take them (failed).");
    page.sample("hookbot_handoffs_total", {{"outcome", "ok"}}, s.handoffs);
    page.sample("hookbot_handoffs_total", {{"outcome", "failed"}}, s.handoffs_failed);

    page.family("hookbot_restarts_total", "counter",
                "Restarts of the acceptor and of fanout workers by hookbot serve.");
    page.sample("hookbot_restarts_total", {{"process", "acceptor"}}, s.acceptor_restarts);
    page.sample("hookbot_restarts_total", {{"process", "worker"}}, s.worker_restarts);

    page.counter("hookbot_metrics_refused_total", "Requests for /metrics answered 401 or 403.",
                 s.metrics_refused);

    page.gauge("hookbot_workers", "Fanout workers holding a bus slot.", s.workers.size());
    page.family("hookbot_subscribers", "gauge", "Live subscribers per fanout worker (bus slot).");
    for (const auto& w : s.workers) {
        page.sample("hookbot_subscribers", {{"worker", std::to_string(w.slot)}}, w.subscribers);
    }
    page.family("hookbot_topic_subscribers", "gauge",
                "Live subscribers per topic prefix (the topic up to its first '/'), the "
                "largest prefixes only; hookbot_topic_subscribers_other has the rest.");
    for (const auto& topic : s.topics) {
        page.sample("hookbot_topic_subscribers", {{"prefix", topic.name}}, topic.subscribers);
    }
    page.gauge("hookbot_topic_subscribers_other",
               "Live subscribers under topic prefixes hookbot_topic_subscribers does not list.",
               s.topics_other);

    page.gauge("hookbot_ring_bytes", "Bytes in each shard's ring.", s.ring_bytes);
    page.family("hookbot_ring_fill_bytes", "gauge",
                "Bytes from the oldest intact record to the newest in each shard's ring.");
    for (std::size_t shard = 0; shard < s.ring_fill_bytes.size(); ++shard) {
        page.sample("hookbot_ring_fill_bytes", {{"shard", std::to_string(shard)}},
                    s.ring_fill_bytes[shard]);
    }
    page.family("hookbot_bus_info", "gauge",
                "Always 1: the bus epoch, the first part of every message id of this bus.");
    page.sample("hookbot_bus_info", {{"epoch", s.epoch}}, 1);
    page.family("hookbot_oldest_retained_sequence", "gauge",
                "The sequence (second part of a message id) of the oldest message each shard "
                "retains: resumes from before it get a gap notice. 0: none retained.");
    for (std::size_t shard = 0; shard < s.oldest_retained.size(); ++shard) {
        page.sample("hookbot_oldest_retained_sequence", {{"shard", std::to_string(shard)}},
                    s.oldest_retained[shard]);
    }
    page.family("hookbot_oldest_retained_age_seconds", "gauge",
                "How long ago the oldest message each shard retains was published: how far "
                "back a resume can reach. No sample for a shard that retains none.");
    for (std::size_t shard = 0; shard < s.oldest_retained_age_s.size(); ++shard) {
        if (const auto age = s.oldest_retained_age_s[shard])
            page.sample("hookbot_oldest_retained_age_seconds", {{"shard", std::to_string(shard)}},
                        *age);
    }

    page.histogram_us("hookbot_publish_to_write_seconds",
                      "Time from a message's commit to the bus to the completed write of its "
                      "frame to a subscriber's socket.",
                      metrics_snapshot::histogram::upper_bounds_us, s.latency_buckets,
                      s.latency_sum_us);
    page.counter("hookbot_subscriber_writes_total",
                 "Writes to subscribers' sockets (one writev, or one TLS record, of any number "
                 "of frames); hookbot_publish_to_write_seconds_count divided by it is the "
                 "frames per write.",
                 s.socket_writes);
    if (s.cluster) render_cluster(page, *s.cluster);
    return page.take();
}

std::string counters_line(const metrics_snapshot& now, const metrics_snapshot& previous) {
    const auto delta = [](std::uint64_t a, std::uint64_t b) {
        return static_cast<long long>(a) - static_cast<long long>(b);
    };
    const std::uint64_t sends = now.deliveries;
    const std::uint64_t drops = now.dropped_total();
    char line[256];
    std::snprintf(line, sizeof line,
                  "Listeners %5" PRIu64 " [%+5lld] pub %5" PRIu64 " [%+5lld] (d %5" PRIu64
                  " [%+5lld]) send %8" PRIu64 " [%+7lld] (d %5" PRIu64 " [%+5lld])",
                  now.subscribers(), delta(now.subscribers(), previous.subscribers()),
                  now.publishes_ok(), delta(now.publishes_ok(), previous.publishes_ok()),
                  now.publishes_refused(),
                  delta(now.publishes_refused(), previous.publishes_refused()), sends,
                  delta(sends, previous.deliveries), drops, delta(drops, previous.dropped_total()));
    return line;
}

responses::response metrics_endpoint::answer(
    const metrics_plan& plan, const std::optional<boost::asio::ip::address>& peer) const {
    switch (decide_metrics_access(access_, peer, plan.token_valid)) {
        case metrics_verdict::allow:
            return responses::metrics_page(render_metrics(collect_metrics(bus_)));
        case metrics_verdict::forbidden:
            bus_.acceptor().metrics_refused.fetch_add(1, relaxed);
            return responses::forbidden();
        case metrics_verdict::unauthorized:
            bus_.acceptor().metrics_refused.fetch_add(1, relaxed);
            return responses::unauthorized();
    }
    return responses::forbidden();
}

}  // namespace hookbot::acceptor
