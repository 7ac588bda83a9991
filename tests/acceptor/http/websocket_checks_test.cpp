#include "http/websocket_checks.hpp"

#include <doctest/doctest.h>

using namespace hookbot::acceptor;

namespace {

http::request_header<> handshake() {
    http::request_header<> head;
    head.method(http::verb::get);
    head.target("/sub/foo");
    head.version(11);
    head.set(http::field::host, "example.com:8080");
    head.set(http::field::connection, "Upgrade");
    head.set(http::field::upgrade, "websocket");
    head.set(http::field::sec_websocket_version, "13");
    head.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    return head;
}

}  // namespace

TEST_CASE("Origin host[:port] against Host (P10)") {
    CHECK(same_origin("http://example.com:8080", "example.com:8080"));
    CHECK(same_origin("https://EXAMPLE.com:8080/", "example.com:8080"));
    CHECK(same_origin("http://user@example.com:8080/path?q", "example.com:8080"));
    CHECK(same_origin("http://[::1]:8080", "[::1]:8080"));
    CHECK_FALSE(same_origin("http://example.com", "example.com:8080"));
    CHECK_FALSE(same_origin("http://evil.com:8080", "example.com:8080"));
    CHECK_FALSE(same_origin("null", "example.com:8080"));
    CHECK_FALSE(same_origin("", "example.com:8080"));
    CHECK_FALSE(same_origin("example.com:8080", "example.com:8080"));
}

TEST_CASE("Sec-WebSocket-Key must be 16 bytes of base64") {
    CHECK(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ=="));
    CHECK_FALSE(valid_websocket_key(""));
    CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQ="));
    CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25j!Q=="));
    CHECK_FALSE(valid_websocket_key("dGhlIHNhbXBsZSBub25jZQAA"));
}

TEST_CASE("a valid handshake passes; no Origin is fine; same-host Origin is fine") {
    auto head = handshake();
    CHECK_FALSE(check_websocket_handshake(head).has_value());
    head.set(http::field::origin, "http://example.com:8080");
    CHECK_FALSE(check_websocket_handshake(head).has_value());
    head.set(http::field::connection, "keep-alive, Upgrade");
    CHECK_FALSE(check_websocket_handshake(head).has_value());
}

TEST_CASE("refusals in the order of D5.1") {
    SUBCASE("a plain GET is not an upgrade: 400") {
        auto head = handshake();
        head.erase(http::field::upgrade);
        head.erase(http::field::connection);
        CHECK(check_websocket_handshake(head) == http::status::bad_request);
    }
    SUBCASE("a plain POST is not an upgrade either: 400 before 405") {
        auto head = handshake();
        head.method(http::verb::post);
        head.erase(http::field::upgrade);
        CHECK(check_websocket_handshake(head) == http::status::bad_request);
    }
    SUBCASE("an upgrade with POST: 405") {
        auto head = handshake();
        head.method(http::verb::post);
        head.set(http::field::origin, "http://evil.com");
        CHECK(check_websocket_handshake(head) == http::status::method_not_allowed);
    }
    SUBCASE("unsupported version: 400, before the Origin check") {
        auto head = handshake();
        head.set(http::field::sec_websocket_version, "8");
        head.set(http::field::origin, "http://evil.com");
        CHECK(check_websocket_handshake(head) == http::status::bad_request);
    }
    SUBCASE("another Origin: 403") {
        auto head = handshake();
        head.set(http::field::origin, "http://evil.com:8080");
        CHECK(check_websocket_handshake(head) == http::status::forbidden);
    }
    SUBCASE("a bad key: 400") {
        auto head = handshake();
        head.set(http::field::sec_websocket_key, "short");
        CHECK(check_websocket_handshake(head) == http::status::bad_request);
    }
}
