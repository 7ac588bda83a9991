#include <doctest/doctest.h>

#include "hookbot/handoff/message.hpp"
#include "hookbot/handoff/stream_batch.hpp"

using namespace hookbot::handoff;

TEST_CASE("stream_fetch and stream_messages round-trip") {
    const auto fetch = decode(encode(stream_fetch{7, "a/b/", true, 41, 900}));
    REQUIRE(fetch);
    const auto& f = std::get<stream_fetch>(*fetch);
    CHECK(f.id == 7);
    CHECK(f.topic == "a/b/");
    CHECK(f.recursive);
    CHECK(f.after_seq == 41);
    CHECK(f.through_seq == 900);

    const auto answer = decode(encode(stream_messages{7, 42, 900, 1234}));
    REQUIRE(answer);
    const auto& m = std::get<stream_messages>(*answer);
    CHECK(m.id == 7);
    CHECK(m.read_from == 42);
    CHECK(m.read_through == 900);
    CHECK(m.bytes == 1234);
}

TEST_CASE("stream_fetch refuses truncated and padded packets") {
    const std::string bytes = encode(stream_fetch{1, "topic", false, 1, 2});
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        CHECK_FALSE(decode(bytes.substr(0, size)));
    }
    CHECK_FALSE(decode(bytes + "x"));
    std::string bad_flag = bytes;
    bad_flag[9] = 2;  // recursive is 0 or 1
    CHECK_FALSE(decode(bad_flag));
    CHECK_FALSE(decode(encode(stream_messages{1, 2, 3, 4}) + "x"));
}

TEST_CASE("a stream batch gives back its messages, in order, bytes intact") {
    std::string batch;
    append_to_batch(batch, {5, 1000, 0, "t", std::string_view("a\0b", 3)});
    append_to_batch(batch, {9, 2000, 3, "t/u", ""});
    batch_reader reader(batch);
    const auto first = reader.next();
    REQUIRE(first);
    CHECK(first->seq == 5);
    CHECK(first->unix_us == 1000);
    CHECK(first->topic == "t");
    CHECK(first->body == std::string_view("a\0b", 3));
    const auto second = reader.next();
    REQUIRE(second);
    CHECK(second->seq == 9);
    CHECK(second->flags == 3);
    CHECK(second->topic == "t/u");
    CHECK(second->body.empty());
    CHECK_FALSE(reader.next());
    CHECK_FALSE(reader.malformed());
}

TEST_CASE("a stream batch cut short or out of order is malformed") {
    std::string batch;
    append_to_batch(batch, {5, 0, 0, "t", "body"});
    for (std::size_t size = 1; size < batch.size(); ++size) {
        batch_reader reader(std::string_view(batch).substr(0, size));
        CHECK_FALSE(reader.next());
        CHECK(reader.malformed());
    }
    append_to_batch(batch, {5, 0, 0, "t", "again"});  // not after the first
    batch_reader reader(batch);
    CHECK(reader.next());
    CHECK_FALSE(reader.next());
    CHECK(reader.malformed());
}
