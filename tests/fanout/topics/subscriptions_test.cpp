#include "topics/subscriptions.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "recording_subscriber.hpp"

namespace {

using namespace hookbot::fanout;
using hookbot::fanout::testing::recording_subscriber;
using hookbot::shm_ring::drop_cause;
using hookbot::shm_ring::monotonic_us32;
using hookbot::shm_ring::read_topic_prefixes;
using hookbot::shm_ring::topic_prefix_table;
using hookbot::shm_ring::worker_slot;

}  // namespace

TEST_CASE("the slot's subscriber gauge follows live connections, closing ones included") {
    worker_slot slot;
    subscriptions registry(slot);
    recording_subscriber a;
    recording_subscriber b;
    registry.add(a, "t", false);
    registry.add(b, "t/", true);
    CHECK(slot.subscribers.load() == 2);

    std::vector<topic_index::match> out;
    registry.unsubscribe(a);  // closing: no more deliveries, still counted
    registry.find("t", out);
    CHECK(out.empty());
    CHECK(slot.subscribers.load() == 2);

    registry.remove(a);
    registry.remove(a);  // idempotent
    CHECK(slot.subscribers.load() == 1);
    registry.find("t/x", out);
    CHECK(out.size() == 1);
    registry.remove(b);
    CHECK(slot.subscribers.load() == 0);
    CHECK(registry.size() == 0);
}

TEST_CASE("a refused topic leaves nothing behind") {
    worker_slot slot;
    subscriptions registry(slot);
    recording_subscriber a;
    CHECK_THROWS_AS(registry.add(a, "no-slash", true), std::invalid_argument);
    CHECK(registry.size() == 0);
    CHECK(slot.subscribers.load() == 0);
}

TEST_CASE("an announced subscriber refused before or by add() is counted no more") {
    worker_slot slot;
    subscriptions registry(slot);
    recording_subscriber a;
    registry.add(a, "t", false);
    registry.announce_joining();
    CHECK(slot.subscribers.load() == 2);
    registry.withdraw_joining();  // e.g. its connection could not be adopted
    CHECK(slot.subscribers.load() == 1);
    registry.announce_joining();
    recording_subscriber b;
    CHECK_THROWS_AS(registry.add(b, "no-slash", true), std::invalid_argument);
    CHECK(slot.subscribers.load() == 1);
}

TEST_CASE("close_all asks every subscriber to go away; on_empty fires when the last leaves") {
    worker_slot slot;
    subscriptions registry(slot);
    recording_subscriber a;
    recording_subscriber b;
    registry.add(a, "x", false);
    registry.add(b, "y", false);
    int emptied = 0;
    registry.on_empty([&] { ++emptied; });
    registry.close_all_going_away();
    CHECK(a.going_away == 1);
    CHECK(b.going_away == 1);
    registry.remove(a);
    CHECK(emptied == 0);
    registry.remove(b);
    CHECK(emptied == 1);
}

TEST_CASE("delivered and dropped counters add up in the slot") {
    worker_slot slot;
    subscriptions registry(slot);
    registry.count_delivered(3);
    registry.count_delivered(0);
    registry.count_dropped(2, drop_cause::queue_full);
    registry.count_dropped(1, drop_cause::disconnected);
    CHECK(slot.delivered.load() == 3);
    CHECK(slot.dropped.load() == 3);
    CHECK(slot.counters.dropped_by_cause[0].load() == 2);
    CHECK(slot.counters.dropped_by_cause[2].load() == 1);
}

TEST_CASE("written frames land in the publish-to-write histogram") {
    worker_slot slot;
    subscriptions registry(slot);
    const std::uint32_t now = monotonic_us32();
    registry.count_written(now, now);
    registry.count_written(now - 3'000'000, now);  // committed 3 s ago
    const auto& histogram = slot.counters.publish_to_write;
    CHECK(slot.counters.frames_written.load() == 2);
    CHECK(histogram.buckets.back().load() == 1);  // over 2.5 s
    std::uint64_t count = 0;
    for (const auto& bucket : histogram.buckets) count += bucket.load();
    CHECK(count == 2);
    CHECK(histogram.sum_us.load() >= 3'000'000);
}

TEST_CASE("subscribers per topic prefix reach the slot's table, largest first") {
    worker_slot slot;
    subscriptions registry(slot);
    recording_subscriber a;
    recording_subscriber b;
    recording_subscriber c;
    registry.add(a, "github.com/foo/bar", false);
    registry.add(b, "github.com/", true);
    registry.add(c, "ci", false);
    registry.publish_topic_prefixes();
    auto table = read_topic_prefixes(slot.counters.topics);
    REQUIRE(table);
    REQUIRE(table->top.size() == 2);
    CHECK(table->top[0].name == "github.com");
    CHECK(table->top[0].subscribers == 2);
    CHECK(table->top[1].name == "ci");
    CHECK(table->other == 0);
    registry.remove(a);
    registry.remove(b);
    registry.publish_topic_prefixes();
    table = read_topic_prefixes(slot.counters.topics);
    REQUIRE(table);
    REQUIRE(table->top.size() == 1);
    CHECK(table->top[0].name == "ci");
    registry.remove(c);
}

TEST_CASE("beyond the table's size, prefixes count as other") {
    worker_slot slot;
    subscriptions registry(slot);
    std::vector<recording_subscriber> many(topic_prefix_table::entries + 3);
    for (std::size_t i = 0; i < many.size(); ++i) {
        registry.add(many[i], std::string("p").append(std::to_string(i)).append("/t"), false);
    }
    registry.publish_topic_prefixes();
    const auto table = read_topic_prefixes(slot.counters.topics);
    REQUIRE(table);
    CHECK(table->top.size() == topic_prefix_table::entries);
    CHECK(table->other == 3);
    for (auto& s : many) registry.remove(s);
}
