#include "delivery/backlog_tracker.hpp"

#include <doctest/doctest.h>

namespace {

using namespace hookbot::fanout;
using namespace std::chrono_literals;
using clock_type = backlog_tracker::clock;

}  // namespace

TEST_CASE("a queue behind holds the worker for slow_after, no longer") {
    backlog_tracker tracker(500ms);
    const auto t0 = clock_type::now();
    CHECK_FALSE(tracker.holding(t0));
    const auto entry = tracker.fell_behind(t0);
    CHECK(tracker.holding(t0 + 499ms));
    CHECK_FALSE(tracker.holding(t0 + 500ms));  // slow now: it holds nobody back
    CHECK(tracker.hold_ends() == t0 + 500ms);
    CHECK(tracker.behind() == 1);
    tracker.caught_up(entry);
    CHECK(tracker.behind() == 0);
    CHECK_FALSE(tracker.holding(t0));
}

TEST_CASE("the newest queue behind decides how long the hold lasts") {
    backlog_tracker tracker(100ms);
    const auto t0 = clock_type::now();
    const auto slow = tracker.fell_behind(t0);
    const auto fresh = tracker.fell_behind(t0 + 300ms);
    // The first is slow by then; the second still holds.
    CHECK(tracker.holding(t0 + 350ms));
    CHECK(tracker.hold_ends() == t0 + 400ms);
    int caught_up = 0;
    tracker.on_caught_up([&caught_up] { ++caught_up; });
    tracker.caught_up(fresh);
    CHECK(caught_up == 1);
    CHECK_FALSE(tracker.holding(t0 + 350ms));  // only the slow one is left
    CHECK(tracker.behind() == 1);
    tracker.caught_up(slow);
    CHECK(caught_up == 2);
}

TEST_CASE("a slow_after of zero never holds") {
    backlog_tracker tracker(0ms);
    const auto t0 = clock_type::now();
    const auto entry = tracker.fell_behind(t0);
    CHECK_FALSE(tracker.holding(t0));
    tracker.caught_up(entry);
}

TEST_CASE("times out of order are kept in order") {
    backlog_tracker tracker(100ms);
    const auto t0 = clock_type::now();
    const auto a = tracker.fell_behind(t0 + 50ms);
    const auto b = tracker.fell_behind(t0);  // earlier than the last: taken as t0 + 50ms
    CHECK(tracker.hold_ends() == t0 + 150ms);
    tracker.caught_up(a);
    tracker.caught_up(b);
}

TEST_CASE("a queue behind that writes keeps holding; one that stops turns slow") {
    backlog_tracker tracker(100ms);
    const auto t0 = clock_type::now();
    const auto writing = tracker.fell_behind(t0);
    const auto stuck = tracker.fell_behind(t0 + 10ms);
    tracker.progressed(writing, t0 + 90ms);
    CHECK(tracker.hold_ends() == t0 + 190ms);
    CHECK(tracker.holding(t0 + 150ms));
    tracker.caught_up(writing);
    CHECK_FALSE(tracker.holding(t0 + 150ms));  // the stuck one is slow by then
    tracker.progressed(stuck, t0 + 50ms);      // alone: it takes the time given
    CHECK(tracker.hold_ends() == t0 + 150ms);
    tracker.caught_up(stuck);
}
