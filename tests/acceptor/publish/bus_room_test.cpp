#include "publish/bus_room.hpp"

#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <optional>
#include <vector>

namespace {

using namespace hookbot::acceptor;
using namespace std::chrono_literals;

// A bus as the room sees it: the writer's position, and the slowest reader's.
struct fake_bus {
    std::uint64_t written = 0;
    std::optional<std::uint64_t> slowest;

    bus_room::positions positions() {
        return {[this] { return written; }, [this] { return slowest; }};
    }
};

bus_room::settings small_window(std::chrono::milliseconds max_wait = 1000ms) {
    bus_room::settings s;
    s.window_records = 4;
    s.window_bytes = 1u << 20;
    s.poll = 200us;
    s.max_wait = max_wait;
    return s;
}

// Runs the loop until `done` or a 5 s bound.
template <typename Predicate>
void run_until(boost::asio::io_context& ioc, Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) ioc.run_for(1ms);
    ioc.restart();
}

}  // namespace

TEST_CASE("without a worker with subscribers, publishes are committed at once") {
    boost::asio::io_context ioc;
    hookbot::shm_ring::acceptor_counters counters;
    fake_bus bus;
    bus_room room(ioc, bus.positions(), small_window(), counters);
    int committed = 0;
    for (int i = 0; i < 10; ++i)
        bus_room::admit(&room, 5, 100, [&] { ++bus.written, ++committed; });
    CHECK(committed == 10);
    CHECK(counters.publish_waits.load() == 0);
}

TEST_CASE("a window ahead, publishes wait and go in order as the reader catches up") {
    boost::asio::io_context ioc;
    hookbot::shm_ring::acceptor_counters counters;
    fake_bus bus;
    bus.slowest = 0;
    bus_room room(ioc, bus.positions(), small_window(), counters);
    std::vector<int> order;
    for (int i = 0; i < 6; ++i) {
        bus_room::admit(&room, 5, 100, [&, i] {
            ++bus.written;
            order.push_back(i);
        });
    }
    CHECK(order == std::vector<int>{0, 1, 2, 3});  // the window is 4 records
    CHECK(room.waiting() == 2);
    CHECK(counters.publish_waits.load() == 2);
    // A later publish queues behind the waiting ones even if there were room.
    bus.slowest = 1;
    bus_room::admit(&room, 5, 100, [&] {
        ++bus.written;
        order.push_back(6);
    });
    run_until(ioc, [&] { return order.size() == 5; });
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    bus.slowest = 5;
    run_until(ioc, [&] { return order.size() == 7; });
    CHECK(order == std::vector<int>{0, 1, 2, 3, 4, 5, 6});
    CHECK(room.waiting() == 0);
    CHECK(counters.publish_wait_timeouts.load() == 0);
    MESSAGE("waited ", counters.publish_waits.load(), " publishes, ",
            counters.publish_wait_us.load(), " us in all");
}

TEST_CASE("the window counts commits, not bus_seqs, which have gaps in a cluster") {
    boost::asio::io_context ioc;
    hookbot::shm_ring::acceptor_counters counters;
    fake_bus bus;
    bus.written = 1000;
    bus.slowest = 1000;
    bus_room room(ioc, bus.positions(), small_window(), counters);
    int committed = 0;
    for (int i = 0; i < 6; ++i)
        bus_room::admit(&room, 5, 100, [&] { bus.written += 1000, ++committed; });
    CHECK(committed == 4);  // 4000 bus_seqs ahead, and room for the 4th still
    bus.slowest = 3000;     // read two of them
    run_until(ioc, [&] { return committed == 6; });
    CHECK(committed == 6);
    bus.slowest = 999;  // before every commit the room remembers: far behind
    bus_room::admit(&room, 5, 100, [&] { bus.written += 1000, ++committed; });
    CHECK(committed == 6);
    CHECK(room.waiting() == 1);
}

TEST_CASE("the byte window holds large records back too") {
    boost::asio::io_context ioc;
    hookbot::shm_ring::acceptor_counters counters;
    fake_bus bus;
    bus.slowest = 0;
    auto settings = small_window();
    settings.window_records = 1000;
    settings.window_bytes = 3000;
    bus_room room(ioc, bus.positions(), settings, counters);
    int committed = 0;
    for (int i = 0; i < 5; ++i)
        bus_room::admit(&room, 5, 1000, [&] { ++bus.written, ++committed; });
    CHECK(committed == 2);  // a third record of ~1 KiB would pass 3000 bytes
    bus.slowest = bus.written;
    run_until(ioc, [&] { return committed == 4; });
    CHECK(committed == 4);
}

TEST_CASE("a stuck reader holds a publish for max_wait at most") {
    boost::asio::io_context ioc;
    hookbot::shm_ring::acceptor_counters counters;
    fake_bus bus;
    bus.slowest = 0;
    bus_room room(ioc, bus.positions(), small_window(50ms), counters);
    int committed = 0;
    // Taken before the publish starts waiting: the room measures its wait from admit.
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 5; ++i) bus_room::admit(&room, 5, 100, [&] { ++bus.written, ++committed; });
    CHECK(committed == 4);
    run_until(ioc, [&] { return committed == 5; });
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK(committed == 5);
    CHECK(waited >= 50ms);
    CHECK(counters.publish_wait_timeouts.load() == 1);
}

TEST_CASE("a max_wait of zero turns flow control off") {
    boost::asio::io_context ioc;
    hookbot::shm_ring::acceptor_counters counters;
    fake_bus bus;
    bus.slowest = 0;
    bus_room room(ioc, bus.positions(), small_window(0ms), counters);
    int committed = 0;
    for (int i = 0; i < 10; ++i)
        bus_room::admit(&room, 5, 100, [&] { ++bus.written, ++committed; });
    CHECK(committed == 10);
}
