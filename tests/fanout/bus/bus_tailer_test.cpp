#include "bus/bus_tailer.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/doorbell.hpp"
#include "recording_subscriber.hpp"

namespace {

using namespace hookbot::fanout;
using hookbot::fanout::testing::recording_subscriber;
namespace shm = hookbot::shm_ring;

shm::bus_options small_bus() {
    shm::bus_options o;
    o.shards = 2;
    o.ring_bytes = 1u << 17;
    o.max_body_bytes = 1u << 12;
    o.max_inline_body_bytes = 1u << 12;
    o.worker_slots = 4;
    return o;
}

// A private bus per test, removed afterwards.
struct bus_fixture {
    std::string name = "fanout-test-" + std::to_string(::getpid());
    shm::bus bus = shm::bus::create(name, small_bus());
    shm::bus_writer writer{bus};
    shm::worker_slot& slot = bus.slot(0);
    subscriptions registry{slot};
    boost::asio::io_context ioc;
    bus_tailer tailer{ioc, bus, slot, registry};

    ~bus_fixture() { shm::bus::remove(name); }
    void publish(std::string_view topic, std::string_view body) {
        REQUIRE(writer.append(topic, body).has_value());
    }
};

std::string str(const payload& p) {
    return std::string(p->bytes);
}

}  // namespace

TEST_CASE_FIXTURE(bus_fixture, "each format is built once per message and shared") {
    recording_subscriber exact1;
    recording_subscriber exact2;
    recording_subscriber recursive1;
    recording_subscriber recursive2;
    registry.add(exact1, "a/b", false);
    registry.add(exact2, "a/b", false);
    registry.add(recursive1, "a/", true);
    registry.add(recursive2, "a/b/", true);  // does not match "a/b"
    publish("a/b", std::string("x\0y", 3));
    tailer.drain_committed();
    REQUIRE(exact1.received.size() == 1);
    REQUIRE(exact2.received.size() == 1);
    REQUIRE(recursive1.received.size() == 1);
    CHECK(recursive2.received.empty());
    CHECK(exact1.received[0] == exact2.received[0]);  // the same buffer
    CHECK(str(exact1.received[0]) == std::string("x\0y", 3));
    CHECK(str(recursive1.received[0]) == std::string("a/b\0x\0y", 7));
    CHECK(slot.delivered.load() == 3);
}

TEST_CASE_FIXTURE(bus_fixture, "a new subscriber gets only what is committed after its drain") {
    recording_subscriber early;
    registry.add(early, "t", false);
    publish("t", "1");
    tailer.drain_committed();  // what the worker does before adding a subscriber
    recording_subscriber late;
    registry.add(late, "t", false);
    publish("t", "2");
    publish("u", "not t");
    publish("t", "3");
    tailer.drain_committed();
    REQUIRE(early.received.size() == 3);
    CHECK(str(early.received[0]) == "1");
    CHECK(str(early.received[2]) == "3");
    REQUIRE(late.received.size() == 2);
    CHECK(str(late.received[0]) == "2");
    CHECK(str(late.received[1]) == "3");
}

TEST_CASE_FIXTURE(bus_fixture, "the catch-up before a first subscriber announces it in the slot") {
    publish("t", "before");
    CHECK(slot.subscribers.load() == 0);
    tailer.drain_committed();
    // The acceptor rings this worker and keeps blobs for it from now on.
    CHECK(slot.subscribers.load() == 1);
    recording_subscriber joined;
    registry.add(joined, "t", false);
    CHECK(slot.subscribers.load() == 1);
    registry.remove(joined);
    CHECK(slot.subscribers.load() == 0);
}

TEST_CASE_FIXTURE(bus_fixture, "laps while the worker has no subscriber are nobody's loss") {
    const std::string body(1000, 'b');
    for (int i = 0; i < 200; ++i) publish("t", body);  // ~200 KB into a 128 KiB ring
    tailer.start();  // reads with nobody to deliver to (the last one left, say)
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (slot.sleeping.load() == 0 && std::chrono::steady_clock::now() < deadline) {
        ioc.run_one_for(std::chrono::milliseconds(10));
    }
    REQUIRE(slot.sleeping.load() == 1);  // read it all, then went to sleep
    CHECK(slot.lapped.load() == 0);
    CHECK(slot.counters.lapped_events.load() == 0);
    tailer.stop();
    recording_subscriber s;
    registry.add(s, "t", false);
    for (int i = 0; i < 200; ++i) publish("t", body);
    tailer.drain_committed();
    MESSAGE("with a subscriber: " << s.received.size() << " of 200 delivered, "
                                  << slot.lapped.load() << " counted lapped");
    CHECK(slot.lapped.load() > 0);
    CHECK(s.received.size() + slot.lapped.load() == 200);
}

TEST_CASE_FIXTURE(bus_fixture, "a first subscriber's catch-up starts at the live end of the bus") {
    const std::string body(1000, 'b');
    for (int i = 0; i < 200; ++i) publish("t", body);  // lapped: the worker was never woken
    tailer.drain_committed();
    CHECK(slot.blob_read_bus_seq.load() == 200);
    CHECK(slot.lapped.load() == 0);
    recording_subscriber s;
    registry.add(s, "t", false);
    publish("t", "after");
    tailer.drain_committed();
    REQUIRE(s.received.size() == 1);
    CHECK(str(s.received[0]) == "after");
    CHECK(slot.lapped.load() == 0);
    CHECK(slot.blob_read_bus_seq.load() == 201);
}

TEST_CASE_FIXTURE(bus_fixture, "refused deliveries are counted as dropped") {
    recording_subscriber full;
    full.answer = push_result::dropped;
    registry.add(full, "t", false);
    publish("t", "1");
    publish("t", "2");
    tailer.drain_committed();
    CHECK(slot.dropped.load() == 2);
    CHECK(slot.delivered.load() == 0);
}

TEST_CASE_FIXTURE(bus_fixture, "records come out in commit order across shards, in batches") {
    recording_subscriber all;
    registry.add(all, "s/", true);
    for (int i = 0; i < 600; ++i) publish("s/" + std::to_string(i % 7), std::to_string(i));
    tailer.start();
    ioc.run_for(std::chrono::milliseconds(200));
    REQUIRE(all.received.size() == 600);
    for (int i = 0; i < 600; ++i) {
        const std::string_view framed = all.received[static_cast<std::size_t>(i)]->bytes;
        CHECK(framed.substr(framed.find('\0') + 1) == std::to_string(i));
    }
}

TEST_CASE_FIXTURE(bus_fixture, "an idle tailer sleeps on the doorbell and wakes when rung") {
    recording_subscriber s;
    registry.add(s, "t", false);
    tailer.start();
    ioc.run_for(std::chrono::milliseconds(50));
    CHECK(slot.sleeping.load() == 1);
    std::thread publisher([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        REQUIRE(writer.append("t", "wake").has_value());
        shm::ring_if_sleeping(slot, tailer.doorbell_fd());
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (s.received.empty() && std::chrono::steady_clock::now() < deadline) {
        ioc.run_one_for(std::chrono::milliseconds(100));
    }
    publisher.join();
    REQUIRE(s.received.size() == 1);
    CHECK(str(s.received[0]) == "wake");
}

TEST_CASE_FIXTURE(bus_fixture, "a lapped tailer counts every record it lost") {
    recording_subscriber s;
    registry.add(s, "t", false);
    const std::string body(1000, 'b');
    for (int i = 0; i < 200; ++i) publish("t", body);  // ~200 KB into a 128 KiB ring
    tailer.drain_committed();
    CHECK(slot.lapped.load() > 0);
    CHECK(s.received.size() + slot.lapped.load() == 200);
}
