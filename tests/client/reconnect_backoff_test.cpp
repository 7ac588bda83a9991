#include "hookbot/client/reconnect_backoff.hpp"

#include <doctest/doctest.h>

#include <set>

using hookbot::client::backoff_options;
using hookbot::client::reconnect_backoff;
using std::chrono::milliseconds;

namespace {

// Whether `delay` lies within `nominal` ± jitter.
bool around(milliseconds delay, milliseconds nominal, double jitter) {
    const auto low = static_cast<double>(nominal.count()) * (1 - jitter) - 1;
    const auto high = static_cast<double>(nominal.count()) * (1 + jitter) + 1;
    return static_cast<double>(delay.count()) >= low && static_cast<double>(delay.count()) <= high;
}

const backoff_options doubling{milliseconds{100}, milliseconds{1600}, 0.2, milliseconds{10000}};

}  // namespace

TEST_CASE("backoff: doubles from initial up to the cap, then stays there") {
    reconnect_backoff backoff(doubling, 1);
    for (const long nominal : {100, 200, 400, 800, 1600, 1600, 1600, 1600}) {
        CAPTURE(nominal);
        CHECK(around(backoff.next_delay(), milliseconds{nominal}, 0.2));
    }
    CHECK(backoff.failures() == 8);
}

TEST_CASE("backoff: hundreds of failures never overflow past the cap") {
    reconnect_backoff backoff(doubling, 2);
    for (int i = 0; i < 500; ++i) static_cast<void>(backoff.next_delay());
    const auto delay = backoff.next_delay();
    CHECK(around(delay, milliseconds{1600}, 0.2));
}

TEST_CASE("backoff: the jitter spreads delays within ± its fraction") {
    const backoff_options fixed{milliseconds{1000}, milliseconds{1000}, 0.2, milliseconds{0}};
    reconnect_backoff backoff(fixed, 3);
    std::set<long> seen;
    for (int i = 0; i < 200; ++i) {
        const auto delay = backoff.next_delay();
        REQUIRE(around(delay, milliseconds{1000}, 0.2));
        seen.insert(delay.count());
    }
    // Clients cut off together must not come back together.
    CHECK(seen.size() > 50);
    CHECK(*seen.begin() < 900);
    CHECK(*seen.rbegin() > 1100);
}

TEST_CASE("backoff: no jitter gives the nominal delays exactly; the same seed the same delays") {
    reconnect_backoff exact({milliseconds{50}, milliseconds{400}, 0.0, milliseconds{1000}});
    CHECK(exact.next_delay() == milliseconds{50});
    CHECK(exact.next_delay() == milliseconds{100});
    reconnect_backoff a(doubling, 42);
    reconnect_backoff b(doubling, 42);
    for (int i = 0; i < 10; ++i) CHECK(a.next_delay() == b.next_delay());
}

TEST_CASE("backoff: a connection that stayed up resets it; a short one does not") {
    reconnect_backoff backoff({milliseconds{100}, milliseconds{10000}, 0.0, milliseconds{5000}});
    for (int i = 0; i < 4; ++i) static_cast<void>(backoff.next_delay());
    backoff.connection_ended(milliseconds{4999});
    CHECK(backoff.next_delay() == milliseconds{1600});
    backoff.connection_ended(milliseconds{5000});
    CHECK(backoff.failures() == 0);
    CHECK(backoff.next_delay() == milliseconds{100});
}

TEST_CASE("backoff: a cap below the initial delay is raised to it; jitter is clamped to [0, 1]") {
    reconnect_backoff backoff({milliseconds{500}, milliseconds{100}, 3.0, milliseconds{1}});
    CHECK(backoff.options().max == milliseconds{500});
    CHECK(backoff.options().jitter == 1.0);
    for (int i = 0; i < 50; ++i) {
        const auto delay = backoff.next_delay();
        CHECK(delay >= milliseconds{0});
        CHECK(delay <= milliseconds{1000});
    }
}
