// ring_writer → ring_reader on one ring in ordinary memory.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "hookbot/shm_ring/ring_reader.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

using namespace std::string_literals;

record_view take_next(ring_reader& reader) {
    const record_view* record = reader.peek();
    REQUIRE(record != nullptr);
    const record_view copy = *record;
    reader.take();
    return copy;
}

TEST_CASE("a record comes back as written: topic, body, flags, sequences") {
    test::local_ring ring(4096);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 3);
    CHECK(reader.peek() == nullptr);
    CHECK_FALSE(reader.has_pending());

    CHECK(writer.append("topic/a", "body one", 5, 11) == 1);
    CHECK(reader.has_pending());
    const record_view* record = reader.peek();
    REQUIRE(record != nullptr);
    CHECK(record->topic == "topic/a");
    CHECK(record->body == "body one");
    CHECK(record->flags == 5);
    CHECK(record->ring_seq == 1);
    CHECK(record->bus_seq == 11);
    CHECK(record->shard == 3);
    CHECK(reader.peek() == record);  // not taken: the same record again
    reader.take();
    CHECK_FALSE(reader.has_pending());
    CHECK(reader.peek() == nullptr);
    CHECK(reader.lapped_records() == 0);
}

TEST_CASE("empty bodies, empty topics and NUL bytes survive") {
    test::local_ring ring(4096);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    const std::string nuls = "a\0b\0\0c"s;
    writer.append("t", "", 0, 1);
    writer.append("", "x", 0, 2);
    writer.append("nul\0topic"s, nuls, 0, 3);
    writer.append("", "", 0, 4);

    CHECK(take_next(reader).body.empty());
    const record_view no_topic = take_next(reader);
    CHECK(no_topic.topic.empty());
    CHECK(no_topic.body == "x");
    const record_view with_nuls = take_next(reader);
    CHECK(with_nuls.topic == "nul\0topic"s);
    CHECK(with_nuls.body == nuls);
    CHECK(with_nuls.body.size() == 6);
    const record_view empty = take_next(reader);
    CHECK(empty.topic.empty());
    CHECK(empty.body.empty());
    CHECK(empty.ring_seq == 4);
}

TEST_CASE("a record that exactly fits the end of the data area needs no padding") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    const std::string body(256 - sizeof(layout::record_header) - 1,
                           'f');  // records of exactly 256 bytes
    for (std::uint64_t i = 1; i <= 4; ++i) writer.append("t", body, 0, i);
    CHECK(writer.tail() == 1024);
    for (std::uint64_t i = 1; i <= 4; ++i) CHECK(take_next(reader).ring_seq == i);
    writer.append("t", "next", 0, 5);
    CHECK(writer.tail() == 1024 + layout::record_bytes(1, 4));  // at offset 0, no padding
    CHECK(ring.header().head.load() == 256);
    const record_view next = take_next(reader);
    CHECK(next.body == "next");
    CHECK(reader.position() == 1024);  // position of the record taken; moves on peek
    CHECK(reader.peek() == nullptr);
    CHECK(reader.position() == 1024 + layout::record_bytes(1, 4));
}

TEST_CASE("a record that does not fit the end goes after a padding record") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    // Nine 112-byte records end at 1008: 16 bytes left, less than a header.
    const std::string body(112 - sizeof(layout::record_header) - 1, 'p');
    for (std::uint64_t i = 1; i <= 9; ++i) writer.append("t", body, 0, i);
    CHECK(writer.tail() == 1008);
    for (std::uint64_t i = 1; i <= 9; ++i) CHECK(take_next(reader).body == body);
    writer.append("t", "after padding", 0, 10);
    CHECK(writer.tail() == 1024 + layout::record_bytes(1, 13));
    const record_view after = take_next(reader);
    CHECK(after.body == "after padding");
    CHECK(after.ring_seq == 10);
    CHECK(reader.lapped_records() == 0);
}

TEST_CASE("an 8-byte padding record at the very end") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    // 1016 bytes of records, then 8 bytes of room: a prefix-only padding.
    const std::string body(254 - sizeof(layout::record_header) - 1, 'q');  // length 253 → 256 bytes
    for (std::uint64_t i = 1; i <= 3; ++i) writer.append("t", body, 0, i);
    const std::string last(248 - sizeof(layout::record_header) - 1, 'r');  // 248 bytes
    writer.append("t", last, 0, 4);
    CHECK(writer.tail() == 1016);
    for (int i = 0; i < 4; ++i) take_next(reader);
    writer.append("t", "wrapped", 0, 5);
    CHECK(writer.tail() == 1024 + layout::record_bytes(1, 7));
    const record_view wrapped = take_next(reader);
    CHECK(wrapped.body == "wrapped");
    CHECK(wrapped.ring_seq == 5);
    CHECK(reader.lapped_records() == 0);
}

TEST_CASE("wrap-around many times keeps every record intact and in order") {
    test::local_ring ring(4096);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    std::uint64_t read = 0;
    for (std::uint64_t i = 1; i <= 20000; ++i) {
        const std::string body = test::pattern_body(i, test::varied_size(i, 900));
        writer.append("wrap/" + std::to_string(i % 7), body, static_cast<std::uint32_t>(i), i);
        if (i % 3 == 0) {  // read in bursts, never a whole ring behind
            while (const record_view* record = reader.peek()) {
                ++read;
                CHECK(record->ring_seq == read);
                CHECK(record->bus_seq == read);
                CHECK(record->flags == static_cast<std::uint32_t>(read));
                CHECK(record->topic == "wrap/" + std::to_string(read % 7));
                CHECK(record->body == test::pattern_body(read, test::varied_size(read, 900)));
                reader.take();
            }
        }
    }
    while (reader.peek() != nullptr) {
        ++read;
        reader.take();
    }
    CHECK(read == 20000);
    CHECK(reader.lapped_records() == 0);
    CHECK(writer.tail() > 1000 * 4096);
}

TEST_CASE("a record larger than the ring allows is refused") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    CHECK_THROWS_AS(writer.append("t", std::string(256, 'x'), 0, 1), std::length_error);
    CHECK(writer.tail() == 0);
    CHECK_THROWS_AS(ring_writer(test::local_ring(1000).span()), std::invalid_argument);
    CHECK_THROWS_AS(ring_writer(test::local_ring(1024, 512).span()), std::invalid_argument);
}

TEST_CASE("a reader created after writes sees only later records") {
    test::local_ring ring(2048);
    ring_writer writer(ring.span());
    for (std::uint64_t i = 1; i <= 100; ++i) writer.append("t", std::to_string(i), 0, i);
    ring_reader reader(ring.span(), 0);
    CHECK(reader.peek() == nullptr);
    CHECK_FALSE(reader.has_pending());
    writer.append("t", "101", 0, 101);
    const record_view record = take_next(reader);
    CHECK(record.body == "101");
    CHECK(record.ring_seq == 101);
    CHECK(reader.lapped_records() == 0);
}

}  // namespace
}  // namespace hookbot::shm_ring
