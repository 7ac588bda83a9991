// Waking a sleeping reader: only when it said it sleeps, and never too late.
#include "hookbot/shm_ring/doorbell.hpp"

#include <doctest/doctest.h>
#include <poll.h>
#include <sys/eventfd.h>

#include <atomic>
#include <thread>

#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

bus_options bell_options() {
    bus_options options;
    options.shards = 2;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.worker_slots = 2;
    return options;
}

bool readable(int fd, int timeout_ms = 0) {
    pollfd entry{.fd = fd, .events = POLLIN, .revents = 0};
    return ::poll(&entry, 1, timeout_ms) == 1 && (entry.revents & POLLIN) != 0;
}

TEST_CASE("prepare_to_sleep refuses when records are pending") {
    test::bus_guard guard(test::unique_instance("bell"));
    bus b = bus::create(guard.instance(), bell_options());
    bus_writer writer(b);
    bus_reader reader(b);
    doorbell bell(b.slot(0));
    writer.append("t", "x");
    CHECK_FALSE(bell.prepare_to_sleep(reader));
    CHECK(b.slot(0).sleeping == 0);
    REQUIRE(reader.next());
    CHECK(bell.prepare_to_sleep(reader));
    CHECK(b.slot(0).sleeping == 1);
}

TEST_CASE("a commit rings a sleeping reader once, and consume() resets it") {
    test::bus_guard guard(test::unique_instance("bell"));
    bus b = bus::create(guard.instance(), bell_options());
    bus_writer writer(b);
    bus_reader reader(b);
    doorbell bell(b.slot(1));
    CHECK(bell.fd() >= 0);
    REQUIRE(bell.prepare_to_sleep(reader));
    CHECK_FALSE(readable(bell.fd()));
    writer.append("t", "wake");
    ring_if_sleeping(b.slot(1), bell.fd());
    CHECK(b.slot(1).sleeping == 0);  // the writer took the announcement
    CHECK(readable(bell.fd()));
    writer.append("t", "again");
    ring_if_sleeping(b.slot(1), bell.fd());  // not sleeping any more: no second ring
    bell.consume();
    CHECK_FALSE(readable(bell.fd()));
    CHECK(reader.next());
    CHECK(reader.next());
}

TEST_CASE("no ring for a reader that did not announce sleep") {
    test::bus_guard guard(test::unique_instance("bell"));
    bus b = bus::create(guard.instance(), bell_options());
    bus_writer writer(b);
    doorbell bell(b.slot(0));
    writer.append("t", "x");
    ring_if_sleeping(b.slot(0), bell.fd());
    CHECK_FALSE(readable(bell.fd()));
    bell.consume();  // nothing to read: EAGAIN is ignored
    CHECK_FALSE(readable(bell.fd()));
}

TEST_CASE("the acceptor's ring wakes a sleeping reader only while it has subscribers") {
    test::bus_guard guard(test::unique_instance("bell"));
    bus b = bus::create(guard.instance(), bell_options());
    bus_writer writer(b);
    bus_reader reader(b);
    doorbell bell(b.slot(0));
    REQUIRE(bell.prepare_to_sleep(reader));
    writer.append("t", "for nobody");
    ring_if_serving(b.slot(0), bell.fd());
    CHECK_FALSE(readable(bell.fd()));
    CHECK(b.slot(0).sleeping == 1);  // still asleep: rung once it serves someone
    b.slot(0).subscribers = 1;
    writer.append("t", "for one");
    ring_if_serving(b.slot(0), bell.fd());
    CHECK(readable(bell.fd()));
    CHECK(b.slot(0).sleeping == 0);
}

TEST_CASE("a reader thread that sleeps between records misses no wake-up") {
    test::bus_guard guard(test::unique_instance("bell"));
    bus b = bus::create(guard.instance(), bell_options());
    constexpr std::uint64_t records = 20000;
    std::atomic<bool> ready{false};
    std::uint64_t received = 0;
    std::uint64_t sleeps = 0;
    std::uint64_t timeouts = 0;
    doorbell bell(b.slot(0));  // outlives both threads; the writer rings its fd
    std::thread reader_thread([&] {
        bus_reader reader(b);
        ready = true;
        while (received + reader.lapped_records() < records) {
            if (reader.next()) {
                ++received;
                continue;
            }
            if (!bell.prepare_to_sleep(reader)) continue;
            ++sleeps;
            // A missed wake-up would show as a timeout with records waiting.
            if (!readable(bell.fd(), 5000)) ++timeouts;
            bell.consume();
        }
    });
    while (!ready) std::this_thread::yield();
    bus_writer writer(b);
    for (std::uint64_t i = 1; i <= records; ++i) {
        writer.append("t/" + std::to_string(i % 3), std::to_string(i));
        ring_if_sleeping(b.slot(0), bell.fd());
        if (i % 64 == 0) std::this_thread::yield();
    }
    reader_thread.join();
    CHECK(timeouts == 0);
    CHECK(received > 0);
    MESSAGE("doorbell: " << received << " received, " << sleeps << " sleeps");
}

TEST_CASE("consume reads the eventfd only after an announcement") {
    test::bus_guard guard(test::unique_instance("bell"));
    bus b = bus::create(guard.instance(), bell_options());
    bus_reader reader(b);
    doorbell bell(b.slot(0));
    // A new reader's first consume reads: a predecessor's announcement left
    // in the slot may have been rung.
    REQUIRE(::eventfd_write(bell.fd(), 1) == 0);
    bell.consume();
    CHECK_FALSE(readable(bell.fd()));
    // No announcement since: no writer can ring, and consume leaves the
    // eventfd alone (this write stands for what consume would not see).
    REQUIRE(::eventfd_write(bell.fd(), 1) == 0);
    bell.consume();
    CHECK(readable(bell.fd()));
    // Announced, rung, woken: consume reads again.
    REQUIRE(bell.prepare_to_sleep(reader));
    bell.consume();
    CHECK_FALSE(readable(bell.fd()));
    CHECK(b.slot(0).sleeping == 0);
}

}  // namespace
}  // namespace hookbot::shm_ring
