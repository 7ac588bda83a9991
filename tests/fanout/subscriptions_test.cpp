#include "subscriptions.hpp"

#include <doctest/doctest.h>

#include <vector>

#include "recording_subscriber.hpp"

namespace {

using namespace hookbot::fanout;
using hookbot::fanout::testing::recording_subscriber;
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
    registry.count_dropped(2);
    CHECK(slot.delivered.load() == 3);
    CHECK(slot.dropped.load() == 2);
}
