// The rings' resume index (layout.hpp): a resume starts exactly where a walk
// from the oldest record would, without walking what lies before its block.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
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

TEST_CASE("a shard's index pieces start at its oldest message and cover it in order") {
    test::bus_guard guard(test::unique_instance("index-pieces"));
    bus_options options;
    options.shards = 1;
    options.ring_bytes = 128 << 10;  // blocks of 512 bytes
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.worker_slots = 1;
    bus b = bus::create(guard.instance(), options);
    CHECK(b.index_bus_seqs(0).empty());
    bus_writer writer(b);
    for (int i = 0; i < 1000; ++i) REQUIRE(writer.append("t", std::string(300, 'x')));

    const std::vector<std::uint64_t> starts = b.index_bus_seqs(0);
    REQUIRE(starts.size() > 100);
    CHECK(starts.front() == b.oldest_retained(0)->bus_seq);
    CHECK(std::is_sorted(starts.begin(), starts.end()));
    // Records of 352 bytes, blocks of 512: a piece holds one or two.
    for (std::size_t i = 1; i < starts.size(); ++i) CHECK(starts[i] - starts[i - 1] <= 2);
    CHECK(starts.back() >= writer.last_bus_seq() - 1);
}

}  // namespace hookbot::shm_ring
