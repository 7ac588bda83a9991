#include <doctest/doctest.h>

#include <string>

#include "hookbot/routing/route.hpp"

using hookbot::routing::percent_decode;
using hookbot::routing::percent_encode_path;
using namespace std::string_literals;

TEST_CASE("percent_decode: escapes in either case, everything else verbatim") {
    CHECK(percent_decode("/pub/a%20b") == "/pub/a b");
    CHECK(percent_decode("%2F%2f") == "//");
    CHECK(percent_decode("%2e%2E") == "..");
    CHECK(percent_decode("a%00b") == "a\0b"s);
    CHECK(percent_decode("%C3%A9") == "\xc3\xa9");
    CHECK(percent_decode("+~!@:") == "+~!@:");
    CHECK(percent_decode("") == "");
}

TEST_CASE("percent_decode: an invalid escape is nullopt") {
    CHECK_FALSE(percent_decode("%zz"));
    CHECK_FALSE(percent_decode("%"));
    CHECK_FALSE(percent_decode("/a%"));
    CHECK_FALSE(percent_decode("/a%2"));
    CHECK_FALSE(percent_decode("%g0"));
    CHECK_FALSE(percent_decode("%0g"));
}

TEST_CASE("percent_encode_path: keeps '/', unreserved, sub-delims, ':' and '@'") {
    const std::string verbatim = "/AZaz09-._~!$&'()*+,;=:@/";
    CHECK(percent_encode_path(verbatim) == verbatim);
}

TEST_CASE("percent_encode_path: escapes the rest with upper-case digits") {
    CHECK(percent_encode_path("/pub/a b") == "/pub/a%20b");
    CHECK(percent_encode_path("/a?b#c%d") == "/a%3Fb%23c%25d");
    CHECK(percent_encode_path("/\xc3\xa9") == "/%C3%A9");
    CHECK(percent_encode_path("a\0b\x7f"s) == "a%00b%7F");
    CHECK(percent_encode_path("\"<>\\^`{|}") == "%22%3C%3E%5C%5E%60%7B%7C%7D");
}

TEST_CASE("percent_encode_path and percent_decode round trip") {
    for (const std::string& path : {"/pub/a b"s, "/x?y#z"s, "/100%"s, "/\xff\x01"s}) {
        CAPTURE(path);
        CHECK(percent_decode(percent_encode_path(path)) == path);
    }
}
