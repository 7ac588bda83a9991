#include <doctest/doctest.h>

#include "hookbot/handoff/message.hpp"

using namespace hookbot::handoff;

TEST_CASE("forwarded_request round-trips with an inline body and every flag") {
    forwarded_request r;
    r.id = 0x0102030405060708ULL;
    r.head = "POST /pub/t HTTP/1.1\r\nHost: h\r\n\r\n";
    r.body = std::string("a\0b\xff", 4);
    r.body_bytes = r.body.size();
    r.bytes_after_head = true;
    r.peer_address = "2001:db8::1";
    const auto decoded = decode(encode(r));
    REQUIRE(decoded);
    const auto& back = std::get<forwarded_request>(*decoded);
    CHECK(back.peer_address == "2001:db8::1");
    CHECK(back.id == r.id);
    CHECK(back.head == r.head);
    CHECK(back.body == r.body);
    CHECK(back.body_bytes == 4);
    CHECK_FALSE(back.body_in_memfd);
    CHECK_FALSE(back.body_too_large);
    CHECK(back.bytes_after_head);
    CHECK_FALSE(back.head_too_large);
    CHECK_FALSE(back.malformed);
}

TEST_CASE("forwarded_request says when the worker could not read the request") {
    forwarded_request r;
    r.head_too_large = true;
    r.malformed = true;
    const auto decoded = decode(encode(r));
    REQUIRE(decoded);
    CHECK(std::get<forwarded_request>(*decoded).head_too_large);
    CHECK(std::get<forwarded_request>(*decoded).malformed);
}

TEST_CASE("forwarded_request with its body in a memfd carries only the length") {
    forwarded_request r;
    r.id = 9;
    r.head = "PUT /pub/x HTTP/1.1\r\n\r\n";
    r.body_bytes = 4 << 20;
    r.body_in_memfd = true;
    const auto decoded = decode(encode(r));
    REQUIRE(decoded);
    const auto& back = std::get<forwarded_request>(*decoded);
    CHECK(back.body.empty());
    CHECK(back.body_bytes == (4u << 20));
    CHECK(back.body_in_memfd);
}

TEST_CASE("forwarded_request whose inline body disagrees with its length is refused") {
    forwarded_request r;
    r.body = "abc";
    r.body_bytes = 5;
    CHECK_FALSE(decode(encode(r)));
    r.body_bytes = 3;
    r.body_in_memfd = true;  // inline bytes and a memfd at once
    CHECK_FALSE(decode(encode(r)));
}

TEST_CASE("forwarded_response and forwarded_subscribe round-trip") {
    const auto response = decode(encode(forwarded_response{7, true, "HTTP/1.1 401 x\r\n\r\n"}));
    REQUIRE(response);
    const auto& r = std::get<forwarded_response>(*response);
    CHECK(r.id == 7);
    CHECK(r.close);
    CHECK(r.bytes == "HTTP/1.1 401 x\r\n\r\n");

    const auto subscribe =
        decode(encode(forwarded_subscribe{8, "a/b/", true, delivery_format::original, {}}));
    REQUIRE(subscribe);
    const auto& s = std::get<forwarded_subscribe>(*subscribe);
    CHECK(s.id == 8);
    CHECK(s.topic == "a/b/");
    CHECK(s.recursive);
}

TEST_CASE("malformed forwarded messages are refused") {
    std::string bytes = encode(forwarded_response{1, false, "abc"});
    CHECK_FALSE(decode(std::string_view(bytes).substr(0, bytes.size() - 1)));
    CHECK_FALSE(decode(bytes + "x"));
    bytes[9] = 2;  // close flag out of range
    CHECK_FALSE(decode(bytes));

    forwarded_request r;
    r.head = "h";
    std::string request = encode(r);
    request[9] = 32;  // an unknown flag
    CHECK_FALSE(decode(request));

    std::string subscribe =
        encode(forwarded_subscribe{1, "t", false, delivery_format::original, {}});
    subscribe[9] = 3;
    CHECK_FALSE(decode(subscribe));
}
