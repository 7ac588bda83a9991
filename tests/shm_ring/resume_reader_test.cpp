// A resuming bus_reader: it starts after a bus_seq, on some shards, and says
// when records past its start were already overwritten. And message ids.
#include <doctest/doctest.h>

#include <array>
#include <stdexcept>
#include <string>

#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

bus_options small_bus(std::uint32_t shards) {
    bus_options options;
    options.shards = shards;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.worker_slots = 1;
    return options;
}

}  // namespace

TEST_CASE("message ids are the epoch and the bus_seq, and nothing else parses") {
    const message_id id{0x00ab'cdef'0123'4567ULL, 42};
    CHECK(format_message_id(id) == "00abcdef01234567-42");
    CHECK(format_epoch(id.epoch) == "00abcdef01234567");
    CHECK(parse_message_id("00abcdef01234567-42") == id);
    const message_id largest{~0ULL, ~0ULL};
    CHECK(format_message_id(largest).size() == max_message_id_bytes);
    CHECK(parse_message_id(format_message_id(largest)) == largest);
    for (const char* bad :
         {"", "all", "00abcdef01234567", "00abcdef01234567-", "0abcdef01234567-1",
          "00ABCDEF01234567-1", "00abcdef01234567-+1", "00abcdef01234567--1", "00abcdef01234567-01",
          "00abcdef01234567-1x", "00abcdef01234567-99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_message_id(bad));
    }
}

TEST_CASE("a resume starts after its bus_seq, on the shards it names only") {
    test::bus_guard guard(test::unique_instance("resume"));
    bus b = bus::create(guard.instance(), small_bus(4));
    bus_writer writer(b);
    for (int i = 1; i <= 40; ++i) REQUIRE(writer.append("t/" + std::to_string(i % 5), "x"));
    const std::uint32_t shard = b.shard_of("t/3");
    const std::array<std::uint32_t, 1> shards{shard};
    bus_reader reader(b, 10, shards);
    CHECK_FALSE(reader.started_after_loss());
    std::uint64_t last = 10;
    int seen = 0;
    while (const auto record = reader.next()) {
        CHECK(record->bus_seq > last);
        CHECK(record->shard == shard);
        last = record->bus_seq;
        ++seen;
    }
    CHECK(seen > 0);
    // Every record of that shard after 10, and then the live ones.
    REQUIRE(writer.append("t/3", "live"));
    const auto live = reader.next();
    REQUIRE(live);
    CHECK(live->body == "live");
    CHECK(live->bus_seq == 41);

    bus_reader from_start(b, 0, shards);
    CHECK_FALSE(from_start.started_after_loss());  // nothing was ever overwritten
}

TEST_CASE("a resume from before what a ring retains says records may be lost") {
    test::bus_guard guard(test::unique_instance("resume-lost"));
    bus b = bus::create(guard.instance(), small_bus(1));
    bus_writer writer(b);
    const std::string body(900, 'b');
    for (int i = 0; i < 300; ++i) REQUIRE(writer.append("t", body));  // ~2 rings' worth
    const std::array<std::uint32_t, 1> shards{0};
    const auto oldest_retained_message = b.oldest_retained(0);
    REQUIRE(oldest_retained_message);
    const std::uint64_t oldest_retained = oldest_retained_message->bus_seq;
    CHECK(oldest_retained > 2);
    bus_reader too_old(b, 1, shards);
    CHECK(too_old.started_after_loss());
    const auto oldest = too_old.next();
    REQUIRE(oldest);
    CHECK(oldest->bus_seq == oldest_retained);

    // From just before the oldest retained record nothing is missing.
    bus_reader just_in_time(b, oldest->bus_seq - 1, shards);
    CHECK_FALSE(just_in_time.started_after_loss());
    const auto first = just_in_time.next();
    REQUIRE(first);
    CHECK(first->bus_seq == oldest->bus_seq);
}

}  // namespace hookbot::shm_ring

namespace hookbot::shm_ring {

TEST_CASE("sequences a writer is given may leave gaps: read in order, resumed from, never reused") {
    test::bus_guard guard(test::unique_instance("gapped"));
    bus_options options = small_bus(3);
    options.epoch = 0xfeed;
    bus written = bus::create(guard.instance(), options);
    bus_writer writer(written);
    CHECK(written.first_bus_seq() == 0);
    const std::array<std::uint64_t, 6> sequences{5001, 5002, 5010, 5011, 6000, 6001};
    for (const std::uint64_t seq : sequences)
        REQUIRE(writer.append_at(seq, "t/" + std::to_string(seq % 3), std::to_string(seq)));
    CHECK(writer.last_bus_seq() == 6001);
    CHECK_THROWS_AS(writer.append_at(6001, "t/0", "again"), std::invalid_argument);
    CHECK_THROWS_AS(writer.append_at(17, "t/0", "older"), std::invalid_argument);
    const auto next = writer.append("t/0", "next");
    REQUIRE(next);
    CHECK(next->bus_seq == 6002);

    bus source = bus::open(guard.instance(), bus::access::reader);
    CHECK(source.epoch() == 0xfeed);
    // Where it started: a resume from before missed what it never had.
    CHECK(source.first_bus_seq() == 5001);
    CHECK(source.never_held_through() == 5000);
    const std::array<std::uint32_t, 3> all{0, 1, 2};
    bus_reader from_start(source, 0, all);
    for (const std::uint64_t seq : sequences) {
        const auto record = from_start.next();
        REQUIRE(record);
        CHECK(record->bus_seq == seq);
        CHECK(record->body == std::to_string(seq));
    }
    bus_reader inside_gap(source, 5500, all);  // an id the stream skipped
    const auto first = inside_gap.next();
    REQUIRE(first);
    CHECK(first->bus_seq == 6000);
}

}  // namespace hookbot::shm_ring

namespace hookbot::shm_ring {

TEST_CASE("a bus that begins later says where, before and after its first message") {
    test::bus_guard guard(test::unique_instance("begins"));
    bus written = bus::create(guard.instance(), small_bus(2));
    bus_writer writer(written);
    writer.begin_at(100);  // joined the stream at 100
    CHECK(written.first_bus_seq() == 100);
    writer.begin_at(250);  // an acceptor restarted before anything came
    CHECK(written.first_bus_seq() == 250);
    const auto first = writer.append("t", "first");
    REQUIRE(first);
    CHECK(first->bus_seq == 250);
    CHECK_THROWS_AS(writer.begin_at(300), std::logic_error);
    CHECK(written.first_bus_seq() == 250);
}

TEST_CASE("a bus written from 1 begins at 1") {
    test::bus_guard guard(test::unique_instance("from-one"));
    bus written = bus::create(guard.instance(), small_bus(2));
    bus_writer writer(written);
    REQUIRE(writer.append("t", "one"));
    CHECK(written.first_bus_seq() == 1);
    CHECK(written.never_held_through() == 0);
}

}  // namespace hookbot::shm_ring
