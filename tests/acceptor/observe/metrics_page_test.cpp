// The metrics page: the text format writer byte for byte, who may read it,
// and the page a bus with known counters gives.
#include "observe/metrics_page.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <array>
#include <string>

#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "observe/metrics_access.hpp"
#include "observe/prometheus_text.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;
namespace ip = boost::asio::ip;

TEST_CASE("prometheus_text: a small registry, exactly") {
    prometheus_text page;
    page.counter("x_requests_total", "Requests.\nAll of them, C:\\ too.", 3);
    page.family("x_up", "gauge", "Up by worker.");
    page.sample("x_up", {{"worker", "0"}}, 1);
    page.sample("x_up", {{"worker", "1"}, {"topic", "a\"b\\c\nd"}}, 0);
    const std::array<std::uint32_t, 2> bounds{50, 1'500'000};
    const std::array<std::uint64_t, 3> buckets{2, 0, 1};
    page.histogram_us("x_latency_seconds", "Latency.", bounds, buckets, 3'000'075);
    CHECK(page.text() ==
          "# HELP x_requests_total Requests.\\nAll of them, C:\\\\ too.\n"
          "# TYPE x_requests_total counter\n"
          "x_requests_total 3\n"
          "# HELP x_up Up by worker.\n"
          "# TYPE x_up gauge\n"
          "x_up{worker=\"0\"} 1\n"
          "x_up{worker=\"1\",topic=\"a\\\"b\\\\c\\nd\"} 0\n"
          "# HELP x_latency_seconds Latency.\n"
          "# TYPE x_latency_seconds histogram\n"
          "x_latency_seconds_bucket{le=\"0.00005\"} 2\n"
          "x_latency_seconds_bucket{le=\"1.5\"} 2\n"
          "x_latency_seconds_bucket{le=\"+Inf\"} 3\n"
          "x_latency_seconds_sum 3.000075\n"
          "x_latency_seconds_count 3\n");
}

TEST_CASE("label values and help text escape what the format says, nothing else") {
    CHECK(escape_label_value("plain/topic é") == "plain/topic é");
    CHECK(escape_label_value("\\\"\n") == "\\\\\\\"\\n");
    CHECK(escape_help("say \"hi\"\\\n") == "say \"hi\"\\\\\\n");
    CHECK(seconds_from_us(0) == "0");
    CHECK(seconds_from_us(50) == "0.00005");
    CHECK(seconds_from_us(1'000'000) == "1");
    CHECK(seconds_from_us(2'500'000) == "2.5");
    CHECK(seconds_from_us(123'456'789) == "123.456789");
}

TEST_CASE("who reads /metrics: loopback peers, tokens, or everyone") {
    const auto v4_loop = ip::make_address("127.0.0.1");
    const auto v4_loop_other = ip::make_address("127.3.2.1");
    const auto v6_loop = ip::make_address("::1");
    const auto mapped_loop = ip::make_address("::ffff:127.0.0.1");
    const auto remote = ip::make_address("192.0.2.7");
    const auto mapped_remote = ip::make_address("::ffff:192.0.2.7");
    const auto v6_remote = ip::make_address("2001:db8::1");
    for (const auto& a : {v4_loop, v4_loop_other, v6_loop, mapped_loop}) CHECK(is_loopback(a));
    for (const auto& a : {remote, mapped_remote, v6_remote}) CHECK_FALSE(is_loopback(a));

    using enum metrics_verdict;
    CHECK(decide_metrics_access(metrics_access::loopback, v4_loop, false) == allow);
    CHECK(decide_metrics_access(metrics_access::loopback, v6_loop, false) == allow);
    CHECK(decide_metrics_access(metrics_access::loopback, remote, false) == forbidden);
    CHECK(decide_metrics_access(metrics_access::loopback, std::nullopt, false) == forbidden);
    CHECK(decide_metrics_access(metrics_access::loopback, remote, true) == allow);
    CHECK(decide_metrics_access(metrics_access::token, v4_loop, false) == unauthorized);
    CHECK(decide_metrics_access(metrics_access::token, remote, true) == allow);
    CHECK(decide_metrics_access(metrics_access::any, remote, false) == allow);
    CHECK(decide_metrics_access(metrics_access::any, std::nullopt, false) == allow);

    CHECK(parse_metrics_access("loopback") == metrics_access::loopback);
    CHECK(parse_metrics_access("token") == metrics_access::token);
    CHECK(parse_metrics_access("any") == metrics_access::any);
    CHECK_FALSE(parse_metrics_access("Loopback"));
    CHECK(metrics_access_name(metrics_access::token) == "token");
}

namespace {

struct bus_fixture {
    std::string instance = "metrics-page-test-" + std::to_string(::getpid());
    shm_ring::bus bus = [this] {
        shm_ring::bus_options options;
        options.shards = 2;
        options.ring_bytes = 128 << 10;
        options.max_body_bytes = 1024;
        options.max_inline_body_bytes = 1024;
        options.worker_slots = 4;
        return shm_ring::bus::create(instance, options);
    }();
    bus_fixture() = default;
    bus_fixture(const bus_fixture&) = delete;
    bus_fixture& operator=(const bus_fixture&) = delete;
    ~bus_fixture() { shm_ring::bus::remove(instance); }
};

bool has_line(const std::string& page, const std::string& line) {
    return page.find("\n" + line + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE_FIXTURE(bus_fixture, "the page shows the oldest retained message and its age per shard") {
    shm_ring::bus_writer writer(bus);
    const auto first = writer.append("t", "a");
    REQUIRE(first);
    REQUIRE(writer.append("t", "b"));
    const std::string shard = std::to_string(first->shard);
    const std::string page = render_metrics(collect_metrics(bus));
    CHECK(has_line(page, "hookbot_oldest_retained_sequence{shard=\"" + shard + "\"} " +
                             std::to_string(first->bus_seq)));
    // Written a moment ago: whole seconds, so 0 unless this test stalled.
    CHECK(has_line(page, "hookbot_oldest_retained_age_seconds{shard=\"" + shard + "\"} 0"));

    metrics_snapshot old;
    old.oldest_retained = {7, 0};
    old.oldest_retained_age_s = {3600, std::nullopt};
    const std::string old_page = render_metrics(old);
    CHECK(has_line(old_page, "hookbot_oldest_retained_age_seconds{shard=\"0\"} 3600"));
    CHECK(old_page.find("hookbot_oldest_retained_age_seconds{shard=\"1\"}") == std::string::npos);
}

TEST_CASE_FIXTURE(bus_fixture,
                  "the page sums every worker slot and shows the acceptor's counters") {
    bus.acceptor().count_publish(200);
    bus.acceptor().count_publish(200);
    bus.acceptor().count_publish(413);
    bus.acceptor().count_publish(418);
    bus.acceptor().published_bytes.store(10);
    bus.supervisor().worker_restarts.store(1);
    for (std::uint32_t i : {0u, 2u}) {
        auto& slot = bus.slot(i);
        slot.pid.store(100 + static_cast<std::int32_t>(i));
        slot.subscribers.store(i + 1);
        slot.delivered.store(5);
        slot.counters.dropped_by_cause[1].store(2);
        slot.counters.publish_to_write.record(70);
        slot.counters.socket_writes.store(3);
        shm_ring::write_topic_prefixes(slot.counters.topics,
                                       {{{"github.com", i + 1}, {"a\"b", 1}}, 0});
    }
    bus.slot(3).delivered.store(7);  // a worker gone: its counts stay, its load does not

    const metrics_snapshot snapshot = collect_metrics(bus);
    const std::string page = render_metrics(snapshot);
    CHECK(has_line(page, "hookbot_publishes_total{code=\"200\"} 2"));
    CHECK(has_line(page, "hookbot_publishes_total{code=\"413\"} 1"));
    CHECK(has_line(page, "hookbot_publishes_total{code=\"other\"} 1"));
    CHECK(has_line(page, "hookbot_drops_total{cause=\"oversize\"} 1"));
    CHECK(has_line(page, "hookbot_drops_total{cause=\"slow_subscriber\"} 4"));
    CHECK(has_line(page, "hookbot_published_bytes_total 10"));
    CHECK(has_line(page, "hookbot_deliveries_total 17"));
    CHECK(has_line(page, "hookbot_restarts_total{process=\"worker\"} 1"));
    CHECK(has_line(page, "hookbot_workers 2"));
    CHECK(has_line(page, "hookbot_subscribers{worker=\"0\"} 1"));
    CHECK(has_line(page, "hookbot_subscribers{worker=\"2\"} 3"));
    CHECK(has_line(page, "hookbot_topic_subscribers{prefix=\"github.com\"} 4"));
    CHECK(has_line(page, "hookbot_topic_subscribers{prefix=\"a\\\"b\"} 2"));
    CHECK(has_line(page, "hookbot_publish_to_write_seconds_bucket{le=\"0.00005\"} 0"));
    CHECK(has_line(page, "hookbot_publish_to_write_seconds_bucket{le=\"0.0001\"} 2"));
    CHECK(has_line(page, "hookbot_publish_to_write_seconds_count 2"));
    CHECK(has_line(page, "hookbot_publish_to_write_seconds_sum 0.00014"));
    CHECK(has_line(page, "hookbot_subscriber_writes_total 6"));
    CHECK(has_line(page, "hookbot_ring_fill_bytes{shard=\"1\"} 0"));
    CHECK(has_line(page, "hookbot_ring_bytes 131072"));
    CHECK(has_line(page, "hookbot_oldest_retained_sequence{shard=\"1\"} 0"));
    CHECK(page.find("hookbot_oldest_retained_age_seconds{shard=\"1\"}") == std::string::npos);
    CHECK(page.find("hookbot_bus_info{epoch=\"" +
                    shm_ring::format_message_id({bus.epoch(), 1}).substr(0, 16) + "\"} 1\n") !=
          std::string::npos);

    CHECK(counters_line(snapshot, metrics_snapshot{}) ==
          "Listeners     4 [   +4] pub     2 [   +2] (d     2 [   +2]) send       17 [    +17] "
          "(d     4 [   +4])");
}

TEST_CASE_FIXTURE(bus_fixture, "topic prefixes: the largest ten, the rest summed as other") {
    auto& slot = bus.slot(0);
    slot.pid.store(1);
    shm_ring::prefix_counts first;
    for (int i = 0; i < 8; ++i)
        first.top.push_back({std::string("p").append(std::to_string(i)), 10u + i});
    first.other = 5;
    shm_ring::write_topic_prefixes(slot.counters.topics, first);
    bus.slot(1).pid.store(2);
    shm_ring::prefix_counts second;
    for (int i = 8; i < 12; ++i)
        second.top.push_back({std::string("p").append(std::to_string(i)), 1});
    shm_ring::write_topic_prefixes(bus.slot(1).counters.topics, second);

    const metrics_snapshot snapshot = collect_metrics(bus);
    CHECK(snapshot.topics.size() == metrics_topic_prefixes);
    CHECK(snapshot.topics.front().name == "p7");
    CHECK(snapshot.topics_other == 5 + 2);  // the worker's rest, and two of p8..p11
}
