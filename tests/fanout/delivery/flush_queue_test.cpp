#include "delivery/flush_queue.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "recording_subscriber.hpp"

namespace {

namespace asio = boost::asio;
using hookbot::fanout::flush_queue;
using hookbot::fanout::testing::recording_subscriber;
using namespace std::chrono_literals;

std::shared_ptr<recording_subscriber> writer(std::vector<int>& order, int id) {
    auto s = std::make_shared<recording_subscriber>();
    s->on_flush = [&order, id] { order.push_back(id); };
    return s;
}

}  // namespace

TEST_CASE("subscribers are flushed once each, in the order they were scheduled") {
    asio::io_context ioc;
    auto& queue = asio::use_service<flush_queue>(ioc);
    std::vector<int> order;
    std::vector<std::shared_ptr<recording_subscriber>> writers;
    for (int id = 0; id < 5; ++id) {
        writers.push_back(writer(order, id));
        queue.schedule(writers.back());
    }
    CHECK(order.empty());  // later, in a handler
    ioc.run_for(5s);
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
}

TEST_CASE("what a flush schedules waits behind what was scheduled before it") {
    asio::io_context ioc;
    auto& queue = asio::use_service<flush_queue>(ioc);
    std::vector<int> order;
    auto first = writer(order, 1);
    auto second = writer(order, 2);
    bool again = true;
    first->on_flush = [&] {
        order.push_back(1);
        if (std::exchange(again, false)) queue.schedule(first);
    };
    queue.schedule(first);
    queue.schedule(second);
    ioc.run_for(5s);
    CHECK(order == std::vector<int>{1, 2, 1});
}

namespace {

// How many of `writers` flushes of 50 us of work each ran before a handler
// posted once the first slice was.
int flushes_before_other_handler(asio::io_context& ioc, int writers) {
    auto& queue = asio::use_service<flush_queue>(ioc);
    int flushed = 0;
    std::vector<std::shared_ptr<recording_subscriber>> slow;
    for (int i = 0; i < writers; ++i) {
        slow.push_back(std::make_shared<recording_subscriber>());
        // Work, not waiting: a flush that takes 50 us of the loop's time.
        slow.back()->on_flush = [&flushed] {
            const auto until = std::chrono::steady_clock::now() + 50us;
            while (std::chrono::steady_clock::now() < until) {
            }
            ++flushed;
        };
        queue.schedule(slow.back());
    }
    // Ready after the first slice was posted, as a socket's handler would be.
    std::optional<int> flushed_before_other;
    asio::post(ioc, [&] { flushed_before_other = flushed; });
    ioc.run_for(5s);
    REQUIRE(flushed_before_other.has_value());
    CHECK(flushed == writers);
    return *flushed_before_other;
}

}  // namespace

TEST_CASE("background flushes run only when no other flush waits, even one scheduled later") {
    asio::io_context ioc;
    auto& queue = asio::use_service<flush_queue>(ioc);
    std::vector<int> order;
    auto replaying = writer(order, 10);
    auto live = writer(order, 1);
    auto late = writer(order, 2);
    int replays = 0;
    replaying->on_flush = [&] {
        order.push_back(10);
        // A replay goes on in the background; live work arrives meanwhile.
        if (++replays == 1) queue.schedule(late);
        if (replays < 3) queue.schedule_background(replaying);
    };
    queue.schedule_background(replaying);
    queue.schedule(live);
    ioc.run_for(5s);
    CHECK(order == std::vector<int>{1, 10, 2, 10, 10});
}

TEST_CASE("after a slice of flushes the loop's other handlers run") {
    asio::io_context ioc;
    asio::use_service<flush_queue>(ioc).set_slice(100us);
    const int before = flushes_before_other_handler(ioc, 40);
    MESSAGE("the other handler ran after ", before, " of 40 flushes");
    // The slice ends with the flush that reaches 100 us: the second, or the
    // first if it took that long.
    CHECK(before >= 1);
    CHECK(before <= 2);
}

TEST_CASE("slices are short while the loop answers a client's requests") {
    asio::io_context ioc;
    auto& queue = asio::use_service<flush_queue>(ioc);
    queue.set_slice(1s);
    SUBCASE("without one, the long slice flushes them all") {
        CHECK(flushes_before_other_handler(ioc, 10) == 10);
    }
    SUBCASE("with one, a slice ends after its first flush of 50 us") {
        const flush_queue::answering_client answering(queue);
        CHECK(flushes_before_other_handler(ioc, 10) == 1);
    }
    SUBCASE("and long again once it has gone") {
        { const flush_queue::answering_client answering(queue); }
        CHECK(flushes_before_other_handler(ioc, 10) == 10);
    }
}

TEST_CASE("an io_context shut down lets go of the subscribers it had scheduled") {
    std::weak_ptr<recording_subscriber> watched;
    {
        asio::io_context ioc;
        auto scheduled = std::make_shared<recording_subscriber>();
        watched = scheduled;
        asio::use_service<flush_queue>(ioc).schedule(std::move(scheduled));
        CHECK_FALSE(watched.expired());
    }
    CHECK(watched.expired());
}
