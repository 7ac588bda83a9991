// What an answer means for the message `--forward` has in hand.
#include <doctest/doctest.h>

#include <boost/asio/error.hpp>

#include "listen/forwarder.hpp"

using namespace hookbot;
using hookbot::listen::forward_verdict;
using hookbot::listen::judge;

namespace {

client::http_answer status(unsigned code) {
    return client::http_answer{{}, code, {}};
}

}  // namespace

TEST_CASE("forward: 1xx to 3xx delivered, 5xx and no answer retried, 4xx skipped") {
    for (const unsigned code : {200U, 201U, 204U, 301U, 302U}) {
        CAPTURE(code);
        CHECK(judge(status(code), false) == forward_verdict::delivered);
    }
    for (const unsigned code : {500U, 502U, 503U, 504U}) {
        CAPTURE(code);
        CHECK(judge(status(code), false) == forward_verdict::retry);
    }
    for (const unsigned code : {400U, 401U, 403U, 404U, 410U, 422U}) {
        CAPTURE(code);
        CHECK(judge(status(code), false) == forward_verdict::rejected);
        CHECK(judge(status(code), true) == forward_verdict::retry);
    }
    CHECK(judge(status(408), false) == forward_verdict::retry);
    CHECK(judge(status(429), false) == forward_verdict::retry);
    const client::http_answer refused{boost::asio::error::connection_refused, 0, {}};
    CHECK(judge(refused, false) == forward_verdict::retry);
}
