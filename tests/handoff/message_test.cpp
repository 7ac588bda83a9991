#include "hookbot/handoff/message.hpp"

#include <doctest/doctest.h>

using namespace hookbot::handoff;

TEST_CASE("hello round-trips, with the epoch of the worker's bus") {
    const auto decoded = decode(encode(hello{7, 4242, 100, 0xa4fec21ee44b745c}));
    REQUIRE(decoded);
    const auto& h = std::get<hello>(*decoded);
    CHECK(h.slot == 7);
    CHECK(h.pid == 4242);
    CHECK(h.bus_epoch == 0xa4fec21ee44b745c);
}

TEST_CASE("hello carries the worker's subscriber limit") {
    const auto decoded = decode(encode(hello{1, 2, 500}));
    REQUIRE(decoded);
    CHECK(std::get<hello>(*decoded).max_subscribers == 500);
    CHECK(std::get<hello>(*decode(encode(hello{1, 2}))).max_subscribers == UINT32_MAX);
    // A hello without the limit (a truncated packet) is not well-formed.
    const auto whole = encode(hello{1, 2, 500});
    CHECK_FALSE(decode(whole.substr(0, whole.size() - 4)));
}

TEST_CASE("subscriber round-trips, binary topic and head kept verbatim") {
    subscriber s{std::string("/unsafe/a\0b/", 12),
                 true,
                 "GET /x HTTP/1.1\r\nHost: h\r\n\r\n",
                 delivery_format::original,
                 {}};
    const auto decoded = decode(encode(s));
    REQUIRE(decoded);
    const auto& back = std::get<subscriber>(*decoded);
    CHECK(back.topic == s.topic);
    CHECK(back.recursive);
    CHECK(back.request_head == s.request_head);
}

TEST_CASE("malformed packets are refused") {
    CHECK_FALSE(decode(""));
    CHECK_FALSE(decode("\x7f"));  // unknown type
    std::string bytes = encode(subscriber{"topic", false, "head", delivery_format::original, {}});
    CHECK_FALSE(decode(std::string_view(bytes).substr(0, bytes.size() - 1)));  // truncated
    CHECK_FALSE(decode(bytes + "x"));                                          // trailing garbage
    bytes[1] = 2;  // recursive flag out of range
    CHECK_FALSE(decode(bytes));
}

TEST_CASE("attach and drain messages round-trip") {
    const auto described =
        decode(encode(instance_description{"127.0.0.1_8080", true, "/var/lib/hookbot"}));
    REQUIRE(described);
    CHECK(std::get<instance_description>(*described).instance == "127.0.0.1_8080");
    CHECK(std::get<instance_description>(*described).workers_terminate_tls);
    CHECK(std::get<instance_description>(*described).bus_dir == "/var/lib/hookbot");
    CHECK(std::holds_alternative<attach_query>(*decode(encode(attach_query{}))));
    CHECK(std::holds_alternative<draining>(*decode(encode(draining{}))));
    CHECK(std::holds_alternative<draining_acknowledged>(*decode(encode(draining_acknowledged{}))));
    CHECK_FALSE(decode(encode(draining{}) + "x"));  // a bare message carries nothing
    std::string bytes = encode(instance_description{"name", false, {}});
    CHECK_FALSE(decode(std::string_view(bytes).substr(0, bytes.size() - 1)));
    bytes[1] = 2;  // the TLS flag out of range
    CHECK_FALSE(decode(bytes));
}

TEST_CASE("a subscription's delivery format and resume point travel with it") {
    const subscriber s{"a/", true, "head", delivery_format::event_stream, "00000000000000ab-7"};
    const auto decoded = decode(encode(s));
    REQUIRE(decoded);
    const auto& back = std::get<subscriber>(*decoded);
    CHECK(back.format == delivery_format::event_stream);
    CHECK(back.since == "00000000000000ab-7");

    const auto forwarded =
        decode(encode(forwarded_subscribe{3, "t", false, delivery_format::json, "all"}));
    REQUIRE(forwarded);
    CHECK(std::get<forwarded_subscribe>(*forwarded).format == delivery_format::json);
    CHECK(std::get<forwarded_subscribe>(*forwarded).since == "all");

    // A longer `since` is no id this server wrote: cut, it reads as unknown.
    const auto cut = decode(
        encode(subscriber{"t", false, "h", delivery_format::original, std::string(500, 'x')}));
    REQUIRE(cut);
    CHECK(std::get<subscriber>(*cut).since.size() == max_since_bytes);

    std::string bytes = encode(subscriber{"t", false, "h", delivery_format::json, ""});
    bytes[bytes.size() - 2] = 3;  // an unknown format
    CHECK_FALSE(decode(bytes));
}
