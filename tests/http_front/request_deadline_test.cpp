#include "hookbot/http_front/request_deadline.hpp"

#include <doctest/doctest.h>

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>

using namespace hookbot::http_front;
using namespace std::chrono_literals;

namespace {

// What a session is to its deadline: the owner it holds weakly.
struct session : std::enable_shared_from_this<session> {
    explicit session(boost::asio::io_context& io)
        : deadline(io.get_executor(), [this] { ++expiries; }) {}
    request_deadline deadline;
    int expiries = 0;
};

}  // namespace

TEST_CASE("a deadline that passes runs its expiry once and says so to aborted operations") {
    boost::asio::io_context io;
    auto s = std::make_shared<session>(io);
    s->deadline.arm(5ms, *s);
    io.run_for(2s);
    CHECK(s->expiries == 1);
    CHECK(s->deadline.timed_out(boost::asio::error::operation_aborted));
    CHECK_FALSE(s->deadline.timed_out(boost::asio::error::eof));
}

TEST_CASE("a disarmed deadline never expires; a later one replaces an earlier one") {
    boost::asio::io_context io;
    auto s = std::make_shared<session>(io);
    s->deadline.arm(5ms, *s);
    s->deadline.disarm();
    io.run_for(100ms);
    CHECK(s->expiries == 0);

    io.restart();
    s->deadline.arm(5ms, *s);
    // The timer waits for 5 ms, then again until 1 s: far enough that a
    // loaded machine's late wake-up does not reach it.
    s->deadline.arm(1s, *s);
    io.run_for(100ms);
    CHECK(s->expiries == 0);
    io.restart();
    io.run_for(5s);
    CHECK(s->expiries == 1);
}

TEST_CASE("a deadline never keeps its session alive") {
    boost::asio::io_context io;
    auto s = std::make_shared<session>(io);
    s->deadline.arm(5ms, *s);
    std::weak_ptr<session> watched = s;
    s.reset();  // the session ends with its wait still pending
    CHECK(watched.expired());
    io.run_for(100ms);  // the pending wait's handler sees no session: nothing runs
}
