// A bus record's body that carries the original request (record_body.hpp).
#include "hookbot/request_metadata/record_body.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace hookbot::request_metadata;

TEST_CASE("join and split give back the request and the body, byte for byte") {
    const std::string body("\0\xff body", 7);
    const std::string stored = join_record_body("{\"m\":1}", body);
    CHECK(stored.size() == 4 + 7 + body.size());
    CHECK(stored.substr(0, 4) == std::string("\x07\0\0\0", 4));  // little-endian length
    const auto parts = split_record_body(stored);
    REQUIRE(parts);
    CHECK(parts->request_json == "{\"m\":1}");
    CHECK(parts->body == body);
    const auto empty = split_record_body(join_record_body("", ""));
    REQUIRE(empty);
    CHECK(empty->request_json.empty());
    CHECK(empty->body.empty());
}

TEST_CASE("a length that does not fit its bytes is no record body") {
    CHECK_FALSE(split_record_body(""));
    CHECK_FALSE(split_record_body(std::string("\x01\0\0", 3)));
    CHECK_FALSE(split_record_body(std::string("\x05\0\0\0abcd", 8)));
    CHECK(split_record_body(std::string("\x04\0\0\0abcd", 8)));
}

TEST_CASE("the request flag is not the bus's blob flag") {
    CHECK((record_flag_request & (1u << 31)) == 0);
}
