#include "hookbot/client/server_url.hpp"

#include <doctest/doctest.h>

using hookbot::client::parse_server_url;

TEST_CASE("server_url: a make-tokens URL gives its token, host, port and target") {
    const auto url =
        parse_server_url("wss://0a14ad75@hooks.example:8443/unsafe/sub/github.com/?x=1#f");
    REQUIRE(url);
    CHECK(url->websocket);
    CHECK(url->secure);
    CHECK(url->user == "0a14ad75");
    CHECK(url->host == "hooks.example");
    CHECK(url->port == "8443");
    CHECK(url->target == "/unsafe/sub/github.com/?x=1");
    CHECK(url->authority() == "hooks.example:8443");
}

TEST_CASE("server_url: default ports, schemes in any case, no path") {
    const auto plain = parse_server_url("WS://h");
    REQUIRE(plain);
    CHECK_FALSE(plain->secure);
    CHECK(plain->port == "80");
    CHECK(plain->target == "/");
    const auto secure = parse_server_url("https://h?q");
    REQUIRE(secure);
    CHECK_FALSE(secure->websocket);
    CHECK(secure->port == "443");
    CHECK(secure->target == "/?q");
}

TEST_CASE("server_url: user-info is decoded and the password dropped; IPv6 hosts") {
    const auto url = parse_server_url("ws://to%6ben:secret@[::1]:9000/sub/x");
    REQUIRE(url);
    CHECK(url->user == "token");
    CHECK(url->host == "::1");
    CHECK(url->port == "9000");
    CHECK(url->authority() == "[::1]:9000");
}

TEST_CASE("server_url: what is not an absolute ws/http URL with a host is refused") {
    for (const char* text : {"", "localhost:8080", "/sub/x", "ftp://h/x", "ws://", "ws:///x",
                             "ws://h:port/x", "ws://h:123456/x", "ws://[::1/x", "ws://%zz@h/"}) {
        CAPTURE(text);
        CHECK_FALSE(parse_server_url(text));
    }
}
