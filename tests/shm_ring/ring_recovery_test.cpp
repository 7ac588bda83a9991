// A writer that dies mid-append, emulated by hand through the layout: the
// steps of ring_writer::append up to a point, then nothing.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

#include "hookbot/shm_ring/ring_reader.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

std::string numbered(std::uint64_t seq) {
    return "rec-" + std::to_string(seq % 1000);
}  // with topic "t": 56-byte records

void write_bytes(test::local_ring& ring, std::uint64_t position, const void* bytes,
                 std::size_t size) {
    std::memcpy(ring.data() + (position & 1023), bytes, size);
}

// A dead writer's last moves: head and intent stored, part of a record written.
void die_mid_record(test::local_ring& ring, std::uint64_t head, std::uint64_t intent,
                    std::uint64_t start, std::uint64_t ring_seq) {
    ring.header().head.store(head);
    ring.header().tail_intent.store(intent);
    layout::record_header header{};
    header.length = static_cast<std::uint32_t>(intent - start);
    header.type = layout::record_type::message;
    header.topic_length = 1;
    header.body_length = header.length - sizeof(layout::record_header) - 1;
    header.ring_seq = ring_seq;
    header.bus_seq = ring_seq;
    write_bytes(ring, start, &header, sizeof header);
    write_bytes(ring, start + sizeof header, "tHALF-WRITTEN", 13);
}

TEST_CASE("a record the writer died writing is never read; the next writer reuses its seq") {
    test::local_ring ring(1024, 256);
    ring_writer dead(ring.span());
    ring_reader reader(ring.span(), 0);
    for (std::uint64_t seq = 1; seq <= 10; ++seq) dead.append("t", numbered(seq), 0, seq);
    for (std::uint64_t seq = 1; seq <= 10; ++seq) {
        REQUIRE(reader.peek() != nullptr);
        reader.take();
    }
    const std::uint64_t tail = dead.tail();
    die_mid_record(ring, 0, tail + 200, tail, 11);
    CHECK(reader.peek() == nullptr);
    CHECK_FALSE(reader.has_pending());

    ring_writer resumed(ring.span());
    CHECK(resumed.tail() == tail);
    CHECK(resumed.next_ring_seq() == 11);
    CHECK(resumed.last_bus_seq() == 10);
    CHECK(resumed.append("t", "fresh", 0, 11) == 11);
    CHECK(ring.header().tail_intent.load() == tail + 200);  // the dead claim stays until passed
    const record_view* record = reader.peek();
    REQUIRE(record != nullptr);
    CHECK(record->ring_seq == 11);
    CHECK(record->body == "fresh");
    reader.take();
    CHECK(reader.lapped_records() == 0);

    for (std::uint64_t seq = 12; seq <= 20; ++seq) resumed.append("t", numbered(seq), 0, seq);
    CHECK(ring.header().tail_intent.load() == resumed.tail());  // passed: monotonic again
    ring_reader late(ring.span(), 0);
    resumed.append("t", "21", 0, 21);
    const record_view* next = late.peek();
    REQUIRE(next != nullptr);
    CHECK(next->ring_seq == 21);
    late.take();
    CHECK(late.lapped_records() == 0);
}

TEST_CASE("a writer that died after making room: a lagging reader skips the damage") {
    test::local_ring ring(1024, 256);
    ring_writer dead(ring.span());
    ring_reader lagging(ring.span(), 0);
    for (std::uint64_t seq = 1; seq <= 18; ++seq) dead.append("t", numbered(seq), 0, seq);
    REQUIRE(dead.tail() == 1008);
    // Next: a 256-byte record after 16 bytes of padding, so head must pass
    // records 1..5; the dead writer scribbled over records 1 and 2.
    layout::record_header padding{};
    padding.length = 16;
    padding.type = layout::record_type::padding;
    write_bytes(ring, 1008, &padding, layout::record_prefix_bytes);
    die_mid_record(ring, 280, 1024 + 256, 1024, 19);

    const record_view* oldest = lagging.peek();
    REQUIRE(oldest != nullptr);
    CHECK(oldest->ring_seq == 6);
    CHECK(oldest->body == numbered(6));
    lagging.take();
    CHECK(lagging.lapped_records() == 5);
    for (std::uint64_t seq = 7; seq <= 18; ++seq) {
        const record_view* record = lagging.peek();
        REQUIRE(record != nullptr);
        CHECK(record->ring_seq == seq);
        CHECK(record->body == numbered(seq));
        lagging.take();
    }
    CHECK(lagging.peek() == nullptr);

    ring_writer resumed(ring.span());
    CHECK(resumed.next_ring_seq() == 19);
    resumed.append("t", numbered(19), 0, 19);
    CHECK(resumed.tail() == 1024 + 56);
    CHECK(ring.header().head.load() == 280);
    CHECK(ring.header().tail_intent.load() == 1024 + 256);
    const record_view* record = lagging.peek();
    REQUIRE(record != nullptr);
    CHECK(record->ring_seq == 19);
    CHECK(record->body == numbered(19));
    lagging.take();
    CHECK(lagging.lapped_records() == 5);
}

TEST_CASE("bytes under a writer's claim are refused even where head still allows them") {
    test::local_ring ring(1024, 256);
    ring_writer writer(ring.span());
    ring_reader reader(ring.span(), 0);
    for (std::uint64_t seq = 1; seq <= 18; ++seq) writer.append("t", numbered(seq), 0, seq);
    // What a reader may see mid-append: the claim is visible, head not yet
    // (it loaded head before the writer stored it). Record 1 is being rewritten.
    ring.header().tail_intent.store(1024 + 56);
    CHECK(reader.peek() == nullptr);  // the copy fails validation; head gives nowhere to go
    CHECK(reader.rejected_copies() > 0);
    ring.header().head.store(56);
    const record_view* record = reader.peek();
    REQUIRE(record != nullptr);
    CHECK(record->ring_seq == 2);
    reader.take();
    CHECK(reader.lapped_records() == 1);
}

}  // namespace
}  // namespace hookbot::shm_ring
