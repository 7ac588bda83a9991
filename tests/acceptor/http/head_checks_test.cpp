#include "http/head_checks.hpp"

#include <doctest/doctest.h>

#include <string>

#include "hookbot/shm_ring/layout.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;

namespace {

session_limits small_limits() {
    session_limits limits;
    limits.max_url_bytes = 64;
    limits.max_header_fields = 3;
    return limits;
}

http::request_header<> head_for(std::string_view target, unsigned version = 11) {
    http::request_header<> head;
    head.method(http::verb::post);
    head.target(target);
    head.version(version);
    head.set(http::field::host, "h");
    return head;
}

std::optional<http::status> status_of(const http::request_header<>& head,
                                      const session_limits& limits = small_limits()) {
    const auto refused = check_head(head, routing::route(head.target()), limits);
    if (!refused) return std::nullopt;
    return refused->result();
}

}  // namespace

TEST_CASE("a head within every limit goes on") {
    CHECK_FALSE(status_of(head_for("/pub/topic")).has_value());
    CHECK_FALSE(status_of(head_for("/pub/topic", 10)).has_value());
}

TEST_CASE("only HTTP/1.0 and HTTP/1.1: an HTTP/2 preface or HTTP/0.9 gets 400") {
    CHECK(status_of(head_for("/pub/t", 20)) == http::status::bad_request);
    CHECK(status_of(head_for("/pub/t", 9)) == http::status::bad_request);
    const auto refused = check_head(head_for("*", 20), routing::route("*"), small_limits());
    REQUIRE(refused);
    CHECK(refused->body() == "400 Bad Request (HTTP/1.0 and HTTP/1.1 only)\n");
}

TEST_CASE("a target over max_url_bytes gets 414, at the limit it goes on") {
    const std::string at_limit = "/pub/" + std::string(64 - 5, 'a');
    CHECK_FALSE(status_of(head_for(at_limit)).has_value());
    CHECK(status_of(head_for(at_limit + "a")) == http::status::uri_too_long);
    // The query counts: it is part of what a client makes the server hold.
    CHECK(status_of(head_for("/pub/t?" + std::string(64, 'q'))) == http::status::uri_too_long);
}

TEST_CASE("more than max_header_fields fields get 431") {
    auto head = head_for("/pub/t");  // Host
    head.set("X-A", "1");
    head.set("X-B", "2");
    CHECK_FALSE(status_of(head).has_value());
    head.insert("X-B", "3");  // a repeated field counts once per line
    CHECK(status_of(head) == http::status::request_header_fields_too_large);
}

TEST_CASE("a topic longer than the bus takes gets 414 even under a generous URL limit") {
    session_limits limits;
    limits.max_url_bytes = 64 * 1024;
    const std::string longest(shm_ring::layout::max_topic_bytes, 't');
    CHECK_FALSE(status_of(head_for("/pub/" + longest), limits).has_value());
    CHECK(status_of(head_for("/pub/" + longest + "t"), limits) == http::status::uri_too_long);
}

TEST_CASE("an oversized head is 414 when its request target alone is over the URL limit") {
    const auto limits = small_limits();
    const std::string long_target = "/" + std::string(100, 'a');
    // The request line not parsed yet: the target is read from the bytes.
    CHECK(oversized_head("", "GET " + long_target, limits).result() == http::status::uri_too_long);
    CHECK(oversized_head("", "GET " + long_target + " HTTP/1.1\r\nX: y", limits).result() ==
          http::status::uri_too_long);
    CHECK(oversized_head("", std::string(100, 'x'), limits).result() ==
          http::status::request_header_fields_too_large);
    // Parsed: Beast keeps only the fields in its buffer.
    CHECK(oversized_head("/a", "X-Big: " + std::string(100, 'b'), limits).result() ==
          http::status::request_header_fields_too_large);
    CHECK(oversized_head(long_target, "X-Big: b", limits).result() == http::status::uri_too_long);
}
