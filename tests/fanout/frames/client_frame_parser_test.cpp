#include "frames/client_frame_parser.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "delivery/payload.hpp"
#include "frames/frame_header.hpp"

namespace {

using hookbot::fanout::client_frame_parser;
using kind = client_frame_parser::kind;

struct frame_spec {
    std::uint8_t opcode = 0x2;
    bool fin = true;
    std::uint8_t rsv = 0;
    bool masked = true;
    int length_bytes = -1;  // -1: shortest encoding
};

// A client frame, masked with a fixed key.
std::string client_frame(std::string_view payload, frame_spec spec = {}) {
    std::string out;
    out.push_back(static_cast<char>((spec.fin ? 0x80 : 0) | (spec.rsv << 4) | spec.opcode));
    const char mask_bit = spec.masked ? static_cast<char>(0x80) : 0;
    const std::size_t n = payload.size();
    const int length_bytes = spec.length_bytes >= 0 ? spec.length_bytes
                             : n < 126              ? 0
                             : n <= 0xFFFF          ? 2
                                                    : 8;
    if (length_bytes == 0) {
        out.push_back(static_cast<char>(mask_bit | static_cast<char>(n)));
    } else {
        out.push_back(static_cast<char>(mask_bit | (length_bytes == 2 ? 126 : 127)));
        for (int i = length_bytes - 1; i >= 0; --i)
            out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
    }
    const std::string key = "\x12\x34\x56\x78";
    if (spec.masked) out += key;
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(spec.masked ? static_cast<char>(payload[i] ^ key[i % 4]) : payload[i]);
    }
    return out;
}

struct seen {
    kind what;
    std::uint16_t code;
    std::string payload;
    bool operator==(const seen&) const = default;
};

// Feeds `wire` in pieces of `chunk` bytes; returns every event.
std::vector<seen> parse(client_frame_parser& parser, std::string wire,
                        std::size_t chunk = 1 << 20) {
    std::vector<seen> events;
    for (std::size_t at = 0; at < wire.size(); at += chunk) {
        std::span<char> piece(wire.data() + at, std::min(chunk, wire.size() - at));
        while (!piece.empty()) {
            client_frame_parser::event event;
            const std::size_t used = parser.feed(piece, event);
            REQUIRE(used <= piece.size());
            piece = piece.subspan(used);
            if (event.what != kind::none) {
                events.push_back({event.what, event.close_code, std::string(event.payload)});
            }
        }
    }
    return events;
}

std::vector<seen> parse(std::string wire, std::size_t chunk = 1 << 20) {
    client_frame_parser parser(1000);
    return parse(parser, std::move(wire), chunk);
}

}  // namespace

TEST_CASE("data frames are skipped, control frames returned, in any split") {
    const std::string wire =
        client_frame("hello", {.opcode = 0x1}) + client_frame("ping me", {.opcode = 0x9}) +
        client_frame(std::string(300, 'd')) + client_frame("", {.opcode = 0xA}) +
        client_frame("frag", {.opcode = 0x2, .fin = false}) +
        client_frame("ping", {.opcode = 0x9}) +  // between fragments
        client_frame("ment", {.opcode = 0x0}) +
        client_frame(
            "\x03\xe8"
            "bye",
            {.opcode = 0x8});
    const std::vector<seen> expected{{kind::ping, 0, "ping me"},
                                     {kind::pong, 0, ""},
                                     {kind::ping, 0, "ping"},
                                     {kind::close, 1000,
                                      "\x03\xe8"
                                      "bye"}};
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{2}, std::size_t{7}, wire.size()}) {
        CAPTURE(chunk);
        CHECK(parse(wire, chunk) == expected);
    }
}

TEST_CASE("a control frame split across reads allocates, whole in one read it does not") {
    client_frame_parser parser(1000);
    std::string wire = client_frame(std::string(125, 'p'), {.opcode = 0x9});
    CHECK(parse(parser, wire, 10) == std::vector<seen>{{kind::ping, 0, std::string(125, 'p')}});
    CHECK(parser.at_frame_boundary());
    CHECK(sizeof(client_frame_parser) <= 64);
    std::printf("client_frame_parser state: %zu bytes per connection\n",
                sizeof(client_frame_parser));
}

TEST_CASE("protocol errors are 1002") {
    const std::vector<std::pair<const char*, std::string>> cases{
        {"reserved bits", client_frame("hi", {.rsv = 0b011})},
        {"unmasked", client_frame("hi", {.masked = false})},
        {"unknown opcode", client_frame("hi", {.opcode = 0x3})},
        {"fragmented control", client_frame("hi", {.opcode = 0x9, .fin = false})},
        {"control over 125 bytes", client_frame(std::string(126, 'x'), {.opcode = 0x9})},
        {"continuation without a message", client_frame("hi", {.opcode = 0x0})},
        {"new message inside a fragmented one",
         client_frame("a", {.fin = false}) + client_frame("b")},
        {"non-minimal length", client_frame("hi", {.length_bytes = 2})},
        {"close with a 1-byte payload", client_frame("x", {.opcode = 0x8})},
        {"close with a reserved code", client_frame("\x03\xed", {.opcode = 0x8})},  // 1005
        {"close with code 999", client_frame("\x03\xe7", {.opcode = 0x8})},
    };
    for (const auto& [name, wire] : cases) {
        CAPTURE(name);
        const auto events = parse(wire + client_frame("after", {.opcode = 0x9}));
        REQUIRE(events.size() == 1);  // nothing is parsed after an error
        CHECK(events[0] == seen{kind::error, 1002, ""});
    }
}

TEST_CASE("a message over the limit is 1009, fragments summed") {
    CHECK(parse(client_frame(std::string(1001, 'm'))) ==
          std::vector<seen>{{kind::error, 1009, ""}});
    CHECK(parse(client_frame(std::string(1000, 'm'))).empty());
    const std::string fragments = client_frame(std::string(600, 'm'), {.fin = false}) +
                                  client_frame(std::string(401, 'm'), {.opcode = 0x0});
    CHECK(parse(fragments) == std::vector<seen>{{kind::error, 1009, ""}});
    // The limit is per message: the next one starts from zero.
    CHECK(parse(client_frame(std::string(800, 'm')) + client_frame(std::string(800, 'm'))).empty());
}

TEST_CASE("a close without a code, and application codes") {
    CHECK(parse(client_frame("", {.opcode = 0x8})) == std::vector<seen>{{kind::close, 0, ""}});
    CHECK(parse(client_frame("\x0f\xa0", {.opcode = 0x8})) ==
          std::vector<seen>{{kind::close, 4000, "\x0f\xa0"}});
}

TEST_CASE("server frames: shortest length encoding, FIN, binary, unmasked") {
    using namespace hookbot::fanout;
    CHECK(make_payload("abc")->frame == std::string("\x82\x03"
                                                    "abc",
                                                    5));
    CHECK(make_payload("abc")->bytes == "abc");
    const auto mid = make_payload(std::string(126, 'x'));
    CHECK(mid->frame.substr(0, 4) == std::string("\x82\x7e\x00\x7e", 4));
    CHECK(mid->bytes.size() == 126);
    const auto large = make_payload(std::string(70000, 'x'));
    CHECK(large->frame.substr(0, 10) ==
          std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x11\x70", 10));
    const auto recursive = make_recursive_payload("a/b", "body", 7);
    CHECK(recursive->bytes == std::string_view("a/b\0body", 8));
    CHECK(recursive->commit_us == 7);
    std::string close;
    ws_frame::append_close(close, 1008, "subscriber too slow");
    CHECK(close == std::string("\x88\x15\x03\xf0subscriber too slow"));
}

TEST_CASE("text must be UTF-8, checked across fragments and reads: else 1007 (RFC 6455 8.1)") {
    const std::vector<std::pair<const char*, std::string>> invalid{
        {"a lone 0xff", client_frame("ok \xff", {.opcode = 0x1})},
        {"overlong", client_frame("\xc0\xaf", {.opcode = 0x1})},
        {"surrogate", client_frame("\xed\xa0\x80", {.opcode = 0x1})},
        {"above U+10FFFF", client_frame("\xf4\x90\x80\x80", {.opcode = 0x1})},
        {"cut at the end", client_frame("\xe2\x82", {.opcode = 0x1})},
        {"cut at the end of fragments", client_frame("a", {.opcode = 0x1, .fin = false}) +
                                            client_frame("\xf0\x9f\x98", {.opcode = 0x0})},
        {"bad continuation in the next fragment",
         client_frame("caf\xc3", {.opcode = 0x1, .fin = false}) +
             client_frame("(", {.opcode = 0x0})},
        {"close reason", client_frame("\x03\xe8\xff", {.opcode = 0x8})},
    };
    for (const auto& [name, wire] : invalid) {
        CAPTURE(name);
        for (const std::size_t chunk : {std::size_t{1}, wire.size()}) {
            CHECK(parse(wire, chunk) == std::vector<seen>{{kind::error, 1007, ""}});
        }
    }
    const std::string valid = client_frame("h\xc3\xa9 \xe2\x9c\x93", {.opcode = 0x1}) +
                              client_frame("caf\xc3", {.opcode = 0x1, .fin = false}) +
                              client_frame("p", {.opcode = 0x9}) +  // between fragments
                              client_frame("\xa9 \xf0\x9f", {.opcode = 0x0, .fin = false}) +
                              client_frame("\x98\x80", {.opcode = 0x0}) +
                              client_frame("\xff\xfe") +  // binary
                              client_frame("", {.opcode = 0x1});
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{3}, valid.size()}) {
        CAPTURE(chunk);
        CHECK(parse(valid, chunk) == std::vector<seen>{{kind::ping, 0, "p"}});
    }
}
