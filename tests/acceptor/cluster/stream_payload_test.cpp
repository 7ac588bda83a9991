// The message format in the cluster's stream: what goes in comes out, and
// anything else is refused rather than misread.
#include "cluster/stream_payload.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace hookbot::acceptor;

TEST_CASE("a stream message keeps its records' topic, flags and body, any bytes in them") {
    const std::string topic = std::string("a/b\r\n\0c", 8);
    const std::string body = std::string("\0\xff body", 7);
    stream_message_builder built(0x0102'0304'0506);
    REQUIRE(built.add({topic, 0x8000'0001u, body}, 1 << 20));
    REQUIRE(built.add({"t", 0, ""}, 1 << 20));
    CHECK(built.records() == 2);

    const auto message = decode_stream_message(built.data());
    REQUIRE(message);
    CHECK(message->publish_id == 0x0102'0304'0506u);
    REQUIRE(message->records.size() == 2);
    CHECK(message->records[0].topic == topic);
    CHECK(message->records[0].flags == 0x8000'0001u);
    CHECK(message->records[0].body == body);
    CHECK(message->records[1].topic == "t");
    CHECK(message->records[1].body.empty());
}

TEST_CASE("a stream message stays within its byte and record bounds") {
    const stream_record record{"topic", 0, "body"};
    stream_message_builder built(1);
    const std::size_t one = stream_message_bytes(record);
    CHECK_FALSE(built.add(record, one - 1));
    REQUIRE(built.add(record, one));
    CHECK(built.data().size() == one);
    const std::size_t two = 2 * one - (3 + 8);  // one message head ("hb2", its publish id)
    CHECK_FALSE(built.add(record, two - 1));
    CHECK(built.records() == 1);
    REQUIRE(built.add(record, two));
    CHECK(built.data().size() == two);

    stream_message_builder full(2);
    for (std::uint64_t i = 0; i < max_records_per_stream_message; ++i)
        REQUIRE(full.add(record, 1 << 20));
    CHECK_FALSE(full.add(record, 1 << 20));
    const auto decoded = decode_stream_message(full.data());
    REQUIRE(decoded);
    CHECK(decoded->records.size() == max_records_per_stream_message);
}

TEST_CASE("a publish's id is its message's stream sequence and its place there") {
    CHECK(bus_seq_of(12, 3) == 12'003);
    CHECK(stream_seq_of(12'003) == 12);
    CHECK(stream_seq_of(bus_seq_of(7, max_records_per_stream_message - 1)) == 7);
}

TEST_CASE("data another publisher put on the subject is not a stream message") {
    CHECK_FALSE(decode_stream_message(""));
    CHECK_FALSE(decode_stream_message("hello"));
    CHECK_FALSE(decode_stream_message(std::string("hb1") + std::string(40, '\0')));
    CHECK_FALSE(decode_stream_message(std::string("hb2") + std::string(8, '\0')));  // no record
    stream_message_builder built(1);
    REQUIRE(built.add({"topic", 0, "body"}, 1 << 20));
    const std::string data(built.data());
    for (std::size_t cut = 1; cut < data.size() - 3; ++cut)  // any record cut short
        CHECK_FALSE(decode_stream_message(data.substr(0, data.size() - cut)));
    CHECK_FALSE(decode_stream_message(data + "x"));  // a record's head cut short
}
