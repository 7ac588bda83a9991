#include "hookbot/http_front/policy.hpp"

#include <doctest/doctest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

namespace http = boost::beast::http;
using namespace hookbot::http_front;

TEST_CASE("100 Continue is owed only to a client that expects it, in any case") {
    http::request_header<> head;
    CHECK_FALSE(expects_continue(head));
    head.set(http::field::expect, "100-Continue");
    CHECK(expects_continue(head));
    head.set(http::field::expect, "something-else");
    CHECK_FALSE(expects_continue(head));
}

TEST_CASE("a connection closed mid-request is routine, not a parse error") {
    CHECK(is_parse_error(http::error::bad_method));
    CHECK(is_parse_error(http::error::bad_version));
    CHECK_FALSE(is_parse_error(http::error::partial_message));
    CHECK_FALSE(is_parse_error(http::error::end_of_stream));
    CHECK(is_routine_error(http::error::partial_message));
    CHECK(is_routine_error(boost::asio::error::connection_reset));
    CHECK_FALSE(is_routine_error(boost::asio::error::no_buffer_space));
}

TEST_CASE("what a client sent reaches the log printable and bounded") {
    CHECK(printable("GET /pub/x\r\nInjected: yes") == "GET /pub/x??Injected: yes");
    CHECK(printable(std::string(100, 'a'), 10) == "aaaaaaaaaa...");
    CHECK(printable("caf\xc3\xa9") == "caf??");
    // A token in a URL is never logged.
    CHECK(printable("GET /sub/x?a=1&access_token=s3cret&b=2 HTTP/1.1") ==
          "GET /sub/x?a=1&access_token=REDACTED&b=2 HTTP/1.1");
    CHECK(printable("/sub/x?access_token=s3cret") == "/sub/x?access_token=REDACTED");
    CHECK(printable("/x?access_token=" + std::string(200, 'Z'), 40).find('Z') == std::string::npos);
}
