// The record format in the cluster's stream: what goes in comes out, and
// anything else is refused rather than misread.
#include "cluster/stream_payload.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace hookbot::acceptor;

TEST_CASE("a stream record keeps topic, flags and body, any bytes in them") {
    const std::string topic = std::string("a/b\r\n\0c", 8);
    const std::string body = std::string("\0\xff body", 7);
    const std::string data = encode_stream_record({topic, 0x8000'0001u, body, 0x0102'0304'0506});
    const auto record = decode_stream_record(data);
    REQUIRE(record);
    CHECK(record->topic == topic);
    CHECK(record->flags == 0x8000'0001u);
    CHECK(record->body == body);
    CHECK(record->publish_id == 0x0102'0304'0506u);

    const auto empty = decode_stream_record(encode_stream_record({"t", 0, ""}));
    REQUIRE(empty);
    CHECK(empty->body.empty());
}

TEST_CASE("data another publisher put on the subject is not a stream record") {
    CHECK_FALSE(decode_stream_record(""));
    CHECK_FALSE(decode_stream_record("hello"));
    CHECK_FALSE(decode_stream_record(std::string("hb2") + std::string(14, '\0')));
    CHECK_FALSE(decode_stream_record(std::string("hb1") + std::string(13, '\0')));  // too short
    std::string data = encode_stream_record({"topic", 0, "body"});
    data.resize(17 + 2);  // the topic cut short
    CHECK_FALSE(decode_stream_record(data));
}
