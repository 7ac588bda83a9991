// The rings' resume index (layout.hpp): a resume starts exactly where a walk
// from the oldest record would, without walking what lies before its block.
#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hookbot/shm_ring/ring_reader.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

struct written {
    std::uint64_t position;
    std::uint64_t bus_seq;
};

// Appends `count` records of varied sizes, bus_seq going up by 1 to 3 (as
// when other shards take some), and returns where each one went.
std::vector<written> fill(ring_writer& writer, int count) {
    std::mt19937 random(7);
    std::vector<written> records;
    std::uint64_t bus_seq = 0;
    for (int i = 0; i < count; ++i) {
        bus_seq += 1 + random() % 3;
        const std::string body(random() % 700, 'b');
        writer.append("t", body, 0, bus_seq);
        records.push_back({writer.tail() - layout::record_bytes(1, body.size()), bus_seq});
    }
    return records;
}

// The bus_seq of the first record a resume after `after` returns, 0 for none.
std::uint64_t first_after(const_ring_span ring, std::uint64_t after) {
    ring_reader reader(ring, 0, after);
    const record_view* record = reader.peek();
    return record != nullptr ? record->bus_seq : 0;
}

}  // namespace

TEST_CASE("a resume from every point of a lapped ring starts at the right record") {
    test::local_ring ring(16 << 10, 1024);
    ring_writer writer(ring.span());
    const std::vector<written> records = fill(writer, 200);  // about 4 rings' worth
    const std::uint64_t head = ring.header().head.load();
    REQUIRE(head > 0);

    std::vector<std::uint64_t> retained;
    for (const written& record : records) {
        if (record.position >= head) retained.push_back(record.bus_seq);
    }
    REQUIRE(retained.size() > 20);
    for (std::uint64_t after = retained.front() - 3; after <= retained.back() + 1; ++after) {
        std::uint64_t expected = 0;
        for (const std::uint64_t bus_seq : retained) {
            if (bus_seq > after) {
                expected = bus_seq;
                break;
            }
        }
        CAPTURE(after);
        CHECK(first_after(ring.span(), after) == expected);
    }
}

TEST_CASE("a resume does not walk the records before its index block") {
    test::local_ring ring(64 << 10, 1024);
    ring_writer writer(ring.span());
    const std::vector<written> records = fill(writer, 150);  // less than one ring
    REQUIRE(ring.header().head.load() == 0);

    // Break a header early in the ring: a walk from the oldest record cannot
    // get past it. Blocks are 256 bytes; the point is many blocks later.
    const written& broken = records[10];
    std::memset(ring.data() + broken.position, 0xff, sizeof(layout::record_header));
    const written& point = records[120];
    CHECK(first_after(ring.span(), point.bus_seq) == records[121].bus_seq);
    CHECK(first_after(ring.span(), point.bus_seq - 1) == point.bus_seq);
}

}  // namespace hookbot::shm_ring
