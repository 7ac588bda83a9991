// Where `hookbot listen --forward URL` sends (docs/OPERATIONS.md, "Forwarding").
#include "listen/forward_target.hpp"

#include <doctest/doctest.h>

using namespace hookbot::listen;

TEST_CASE("forward: http and https URLs, nothing else") {
    const auto plain = parse_forward_target("http://localhost:3000/hook");
    REQUIRE(plain);
    CHECK(plain->path == "/hook");
    CHECK(plain->query.empty());
    CHECK_FALSE(plain->server.secure);
    CHECK(plain->server.port == "3000");
    const auto secure = parse_forward_target("https://app.test/a/b?x=1");
    REQUIRE(secure);
    CHECK(secure->server.secure);
    CHECK(secure->path == "/a/b");
    CHECK(secure->query == "x=1");
    CHECK(parse_forward_target("http://localhost")->path == "/");
    CHECK_FALSE(parse_forward_target("ws://localhost:3000/hook"));
    CHECK_FALSE(parse_forward_target("localhost:3000/hook"));
}

TEST_CASE("forward: the target's query, then the original one") {
    const auto target = *parse_forward_target("http://localhost:3000/hook?app=1");
    CHECK(target.request_target("") == "/hook?app=1");
    CHECK(target.request_target("ref=main&a=%20") == "/hook?app=1&ref=main&a=%20");
    const auto bare = *parse_forward_target("http://localhost:3000/hook");
    CHECK(bare.request_target("") == "/hook");
    CHECK(bare.request_target("ref=main") == "/hook?ref=main");
}

TEST_CASE("forward: Host names the port unless it is the scheme's") {
    CHECK(parse_forward_target("http://localhost:3000/")->host_header() == "localhost:3000");
    CHECK(parse_forward_target("http://localhost/")->host_header() == "localhost");
    CHECK(parse_forward_target("https://app.test:443/")->host_header() == "app.test");
    CHECK(parse_forward_target("https://[::1]:8443/")->host_header() == "[::1]:8443");
    CHECK(parse_forward_target("http://user:pw@localhost:3000/x")->shown() ==
          "http://localhost:3000/x");
}
