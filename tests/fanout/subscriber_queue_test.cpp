#include "subscriber_queue.hpp"

#include <doctest/doctest.h>

#include <memory>
#include <string>

namespace {

using namespace hookbot::fanout;

payload message(std::size_t bytes) { return make_payload(std::string(bytes, 'x')); }

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
    subscriber_queue q(queue_limits{.max_messages = 2, .max_bytes = 1000,
                                    .overflow = overflow_policy::drop});
    CHECK(q.push(message(1)) == push_result::queued);
    CHECK(q.push(message(1)) == push_result::queued);
    CHECK(q.push(message(1)) == push_result::dropped);
    CHECK(q.size() == 2);
    q.pop();
    CHECK(q.push(message(1)) == push_result::queued);
}

TEST_CASE("a full queue overflows under the close policy, by bytes") {
    subscriber_queue q(queue_limits{.max_messages = 100, .max_bytes = 10,
                                    .overflow = overflow_policy::close});
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
    CHECK(q.discard(true) == 2);
    CHECK(q.size() == 1);
    CHECK(q.front() == in_flight);
    CHECK(q.bytes() == 2);
    CHECK(q.discard(false) == 1);
    CHECK(q.empty());
    CHECK(q.bytes() == 0);
    CHECK(q.discard(true) == 0);
}
