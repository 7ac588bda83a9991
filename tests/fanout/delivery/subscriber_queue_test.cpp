#include "delivery/subscriber_queue.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace {

using namespace hookbot::fanout;

payload message(std::size_t bytes) {
    return make_payload(std::string(bytes, 'x'));
}

}  // namespace

TEST_CASE("the queue keeps order and accounts bytes") {
    subscriber_queue q(queue_limits{});
    CHECK(q.empty());
    const payload first = message(3);
    CHECK(q.push(first) == push_result::queued);
    CHECK(q.push(message(5)) == push_result::queued);
    CHECK(q.size() == 2);
    CHECK(q.bytes() == 8);
    CHECK(q.front() == first);
    q.pop();
    CHECK(q.bytes() == 5);
    q.pop();
    CHECK(q.empty());
    CHECK(q.bytes() == 0);
}

TEST_CASE("a full queue drops under the drop policy, by count") {
    subscriber_queue q(
        queue_limits{.max_messages = 2, .max_bytes = 1000, .overflow = overflow_policy::drop});
    CHECK(q.push(message(1)) == push_result::queued);
    CHECK(q.push(message(1)) == push_result::queued);
    CHECK(q.push(message(1)) == push_result::dropped);
    CHECK(q.size() == 2);
    q.pop();
    CHECK(q.push(message(1)) == push_result::queued);
}

TEST_CASE("a full queue overflows under the close policy, by bytes") {
    subscriber_queue q(
        queue_limits{.max_messages = 100, .max_bytes = 10, .overflow = overflow_policy::close});
    CHECK(q.push(message(6)) == push_result::queued);
    CHECK(q.push(message(4)) == push_result::queued);  // exactly at the bound
    CHECK(q.push(message(1)) == push_result::overflow);
    CHECK(q.size() == 2);
    CHECK(q.bytes() == 10);
}

TEST_CASE("one message larger than the byte bound still goes alone") {
    subscriber_queue q(queue_limits{.max_messages = 10, .max_bytes = 10});
    CHECK(q.push(message(100)) == push_result::queued);
    CHECK(q.push(message(1)) == push_result::dropped);
    q.pop();
    CHECK(q.push(message(1)) == push_result::queued);
}

TEST_CASE("the empty message counts as a message") {
    subscriber_queue q(queue_limits{.max_messages = 1, .max_bytes = 10});
    CHECK(q.push(message(0)) == push_result::queued);
    CHECK(q.push(message(0)) == push_result::dropped);
}

TEST_CASE("discard keeps the message being written when asked") {
    subscriber_queue q(queue_limits{});
    const payload in_flight = message(2);
    q.push(in_flight);
    q.push(message(3));
    q.push(message(4));
    CHECK(q.discard(1) == 2);
    CHECK(q.size() == 1);
    CHECK(q.front() == in_flight);
    CHECK(q.bytes() == 2);
    CHECK(q.discard(0) == 1);
    CHECK(q.empty());
    CHECK(q.bytes() == 0);
    CHECK(q.discard(1) == 0);
}

TEST_CASE("discard keeps the messages a blocked write holds") {
    subscriber_queue q(queue_limits{});
    for (int i = 0; i < 5; ++i) q.push(message(static_cast<std::size_t>(i + 1)));
    CHECK(q.discard(3) == 2);
    CHECK(q.size() == 3);
    CHECK(q.bytes() == 1 + 2 + 3);
    CHECK(q.discard(9) == 0);
    CHECK(q.size() == 3);
}

TEST_CASE("an unused queue allocates nothing; a drained one, trimmed, keeps a few slots") {
    subscriber_queue q(queue_limits{});
    CHECK(q.capacity() == 0);
    for (int i = 0; i < 100; ++i) CHECK(q.push(message(1)) == push_result::queued);
    CHECK(q.capacity() == 128);
    q.pop(99);
    CHECK(q.size() == 1);
    q.pop();
    CHECK(q.empty());
    q.trim();
    CHECK(q.capacity() == 4);
    MESSAGE("queue object: ", sizeof(subscriber_queue),
            " bytes, drained buffer: ", q.capacity() * sizeof(payload), " bytes");
    CHECK(sizeof(subscriber_queue) + q.capacity() * sizeof(payload) < 256);
}

TEST_CASE("the ring keeps order across wrap-around, growth and shrinking") {
    subscriber_queue q(queue_limits{});
    std::size_t next_in = 0;
    std::size_t next_out = 0;
    const auto push_n = [&](std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(q.push(make_payload(std::to_string(next_in++))) == push_result::queued);
        }
    };
    const auto pop_n = [&](std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) {
            REQUIRE(q.front()->bytes == std::to_string(next_out++));
            q.pop();
        }
    };
    push_n(3);
    pop_n(2);
    push_n(3);  // wraps in the 4-slot buffer
    push_n(10);
    for (std::size_t i = 0; i < q.size(); ++i) {
        CHECK(q.at(i)->bytes == std::to_string(next_out + i));
    }
    pop_n(12);
    push_n(5);
    pop_n(q.size());
    CHECK(next_in == next_out);
    CHECK(q.bytes() == 0);
}

TEST_CASE("discard keeps the front being written") {
    subscriber_queue q(queue_limits{});
    const payload first = message(2);
    CHECK(q.push(first) == push_result::queued);
    for (int i = 0; i < 20; ++i) CHECK(q.push(message(3)) == push_result::queued);
    CHECK(q.discard(1) == 20);
    CHECK(q.size() == 1);
    CHECK(q.front() == first);
    CHECK(q.bytes() == 2);
    CHECK(q.discard(0) == 1);
    CHECK(q.empty());
}

TEST_CASE("a queue is behind over half its bound until it drains to a quarter") {
    backlog_tracker tracker;
    subscriber_queue q(queue_limits{.max_messages = 8, .max_bytes = 1000, .tracker = &tracker});
    int caught_up = 0;
    tracker.on_caught_up([&caught_up] { ++caught_up; });
    for (int i = 0; i < 4; ++i) CHECK(q.push(message(1)) == push_result::queued);
    CHECK_FALSE(q.behind());
    CHECK(q.push(message(1)) == push_result::queued);  // 5 > 8 / 2
    CHECK(q.behind());
    CHECK(tracker.behind() == 1);
    CHECK(tracker.holding());
    q.pop(2);  // 3: still over a quarter
    CHECK(q.behind());
    q.pop();  // 2 = 8 / 4
    CHECK_FALSE(q.behind());
    CHECK(tracker.behind() == 0);
    CHECK(caught_up == 1);
    CHECK_FALSE(tracker.holding());
}

TEST_CASE("bytes put a queue behind too, and a destroyed queue catches up") {
    backlog_tracker tracker;
    {
        subscriber_queue q(
            queue_limits{.max_messages = 100, .max_bytes = 100, .tracker = &tracker});
        CHECK(q.push(message(51)) == push_result::queued);
        CHECK(q.behind());
        CHECK(tracker.behind() == 1);
    }
    CHECK(tracker.behind() == 0);
}

TEST_CASE("discarding a behind queue catches it up") {
    backlog_tracker tracker;
    subscriber_queue q(queue_limits{.max_messages = 4, .max_bytes = 1000, .tracker = &tracker});
    for (int i = 0; i < 4; ++i) CHECK(q.push(message(1)) == push_result::queued);
    CHECK(tracker.behind() == 1);
    CHECK(q.discard(1) == 3);
    CHECK(tracker.behind() == 0);
}

TEST_CASE("a large queue's high watermark is capped at 256 messages") {
    backlog_tracker tracker;
    subscriber_queue q(queue_limits{.max_messages = 4096, .tracker = &tracker});
    for (int i = 0; i < 256; ++i) CHECK(q.push(message(1)) == push_result::queued);
    CHECK_FALSE(q.behind());
    CHECK(q.push(message(1)) == push_result::queued);
    CHECK(q.behind());
    q.pop(128);  // 129 left: still over half the high watermark
    CHECK(q.behind());
    q.pop(1);  // 128 left: half
    CHECK_FALSE(q.behind());
}

TEST_CASE("a queue that each write empties keeps its buffer; a quieter one gives it back") {
    subscriber_queue q(queue_limits{});
    const auto fill_and_empty = [&q](std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) REQUIRE(q.push(message(1)) == push_result::queued);
        q.pop(n);
    };
    fill_and_empty(32);
    const std::size_t busy = q.capacity();
    CHECK(busy >= 32);
    for (int round = 0; round < 10; ++round) {
        fill_and_empty(20 + static_cast<std::size_t>(round));  // 20 to 29 a write
        CHECK(q.capacity() == busy);
    }
    for (std::size_t i = 0; i < 60; ++i) REQUIRE(q.push(message(1)) == push_result::queued);
    q.pop(56);  // a partial write
    CHECK(q.capacity() == 64);
    q.pop(4);
    CHECK(q.capacity() == 64);  // it held 60 since it last emptied: kept
    fill_and_empty(1);
    CHECK(q.capacity() == 4);  // it held 1: shrunk at once
    for (std::size_t i = 0; i < 100; ++i) REQUIRE(q.push(message(1)) == push_result::queued);
    q.pop(100);
    CHECK(q.capacity() == 128);  // a burst, and then nothing
    q.trim();
    CHECK(q.capacity() == 4);
}
