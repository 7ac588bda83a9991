// bus_writer → bus_reader across shards: bus_seq order, lapping, late readers.
#include "hookbot/shm_ring/bus_reader.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <map>
#include <thread>
#include <vector>

#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

bus_options four_shards() {
    bus_options options;
    options.shards = 4;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 4096;
    options.max_inline_body_bytes = 4096;
    options.worker_slots = 2;
    return options;
}

std::string topic_for(std::uint64_t i) {
    return "topic/" + std::to_string(i % 13);
}

// Everything a bus reader promises, checked record by record.
struct order_checker {
    std::uint64_t last_bus_seq = 0;
    std::map<std::uint32_t, std::uint64_t> last_ring_seq;
    std::uint64_t ring_gaps = 0;
    std::uint64_t records = 0;
    std::uint64_t broken = 0;

    void check(const record_view& record) {
        if (record.bus_seq <= last_bus_seq) ++broken;
        last_bus_seq = record.bus_seq;
        std::uint64_t& last = last_ring_seq[record.shard];
        if (record.ring_seq <= last) ++broken;
        ring_gaps += record.ring_seq - last - 1;
        last = record.ring_seq;
        if (record.topic != topic_for(record.bus_seq)) ++broken;
        if (record.body !=
            test::pattern_body(record.bus_seq, test::varied_size(record.bus_seq, 2000)))
            ++broken;
        ++records;
    }
};

void append_numbered(bus_writer& writer, std::uint64_t i) {
    const auto appended =
        writer.append(topic_for(i), test::pattern_body(i, test::varied_size(i, 2000)));
    REQUIRE(appended);
    REQUIRE(appended->bus_seq == i);
}

TEST_CASE("records come out in bus_seq order across shards") {
    test::bus_guard guard(test::unique_instance("order"));
    bus b = bus::create(guard.instance(), four_shards());
    bus_writer writer(b);
    bus_reader reader(b);
    std::vector<int> per_shard(4);
    for (std::uint64_t i = 1; i <= 60; ++i) append_numbered(writer, i);
    order_checker checker;
    while (const auto record = reader.next()) {
        checker.check(*record);
        ++per_shard[record->shard];
        CHECK(record->shard == b.shard_of(record->topic));
    }
    CHECK(checker.records == 60);
    CHECK(checker.broken == 0);
    CHECK(reader.lapped_records() == 0);
    for (const int count : per_shard) CHECK(count > 0);  // the test spans all shards
}

TEST_CASE("a bus reader created after writes sees only later records") {
    test::bus_guard guard(test::unique_instance("late"));
    bus b = bus::create(guard.instance(), four_shards());
    bus_writer writer(b);
    for (std::uint64_t i = 1; i <= 100; ++i) append_numbered(writer, i);
    bus reader_bus = bus::open(guard.instance(), bus::access::reader);
    bus_reader reader(reader_bus);
    CHECK_FALSE(reader.has_pending());
    CHECK_FALSE(reader.next());
    append_numbered(writer, 101);
    CHECK(reader.has_pending());
    const auto record = reader.next();
    REQUIRE(record);
    CHECK(record->bus_seq == 101);
    CHECK_FALSE(reader.next());
    CHECK(reader.lapped_records() == 0);
}

TEST_CASE("a lapped bus reader loses exactly what it counts, still in order") {
    test::bus_guard guard(test::unique_instance("buslap"));
    bus b = bus::create(guard.instance(), four_shards());
    bus_writer writer(b);
    bus_reader reader(b);
    order_checker checker;
    std::uint64_t written = 0;
    for (int round = 0; round < 20; ++round) {
        for (int i = 0; i < 700; ++i) append_numbered(writer, ++written);  // > 4 rings' worth
        for (int i = 0; i < 50; ++i) {
            const auto record = reader.next();
            REQUIRE(record);
            checker.check(*record);
        }
        CHECK(checker.ring_gaps == reader.lapped_records());
    }
    while (const auto record = reader.next()) checker.check(*record);
    CHECK(checker.broken == 0);
    CHECK(checker.last_bus_seq == written);
    CHECK(checker.ring_gaps == reader.lapped_records());
    CHECK(checker.records + reader.lapped_records() == written);
    CHECK(reader.lapped_records() > 0);
}

TEST_CASE("a reader thread racing the writer sees bus_seq order and counts every gap") {
    test::bus_guard guard(test::unique_instance("race"));
    bus b = bus::create(guard.instance(), four_shards());
    constexpr std::uint64_t records = 50000;
    std::atomic<bool> ready{false};
    order_checker checker;
    std::uint64_t lapped = 0;
    std::thread reader_thread([&] {
        bus_reader reader(b);
        ready = true;
        while (checker.last_bus_seq < records) {
            if (const auto record = reader.next()) {
                checker.check(*record);
            } else {
                std::this_thread::yield();
            }
        }
        lapped = reader.lapped_records();
    });
    while (!ready) std::this_thread::yield();
    bus_writer writer(b);
    for (std::uint64_t i = 1; i <= records; ++i) append_numbered(writer, i);
    reader_thread.join();
    CHECK(checker.broken == 0);
    CHECK(checker.ring_gaps == lapped);
    CHECK(checker.records + lapped == records);
    MESSAGE("racing bus reader: " << checker.records << " read, " << lapped << " lapped");
}

// The rings of a bus mapped through the layout alone, so that a test can
// append to one shard with any bus_seq, as no bus_writer would.
class raw_rings {
  public:
    raw_rings(const std::string& instance, const bus_options& options)
        : object_(boost::interprocess::open_only, ("hookbot." + instance + ".rings").c_str(),
                  boost::interprocess::read_write),
          region_(object_, boost::interprocess::read_write),
          options_(options) {}

    [[nodiscard]] ring_span ring(std::uint32_t shard) const {
        auto* base = static_cast<std::byte*>(region_.get_address());
        return ring_span{reinterpret_cast<layout::ring_header*>(
                             base + layout::ring_header_offset(shard, options_.ring_bytes)),
                         base + layout::ring_data_offset(shard, options_.ring_bytes),
                         options_.ring_bytes,
                         layout::max_record_bytes(options_.max_inline_body_bytes)};
    }

  private:
    boost::interprocess::shared_memory_object object_;
    boost::interprocess::mapped_region region_;
    bus_options options_;
};

TEST_CASE("a reader starts after the largest bus_seq it saw, whatever comes in behind it") {
    // The reader walks the shards one after another. Shard 0 first: empty.
    // Then, before it gets to shard 1, bus_seq 1 lands in shard 0 and bus_seq
    // 2 in shard 1: it starts after 2, and bus_seq 1 (behind its start, in a
    // shard it had passed) must never come out.
    test::bus_guard guard(test::unique_instance("start"));
    const bus_options options = four_shards();
    bus b = bus::create(guard.instance(), options);
    raw_rings rings(guard.instance(), options);
    ring_writer shard0(rings.ring(0));
    ring_writer shard1(rings.ring(1));
    shard1.append("topic/2", "two", 0, 2);
    bus_reader reader(b);  // sees shard 0 empty and 2 as the last
    REQUIRE(reader.last_bus_seq() == 2);
    shard0.append("topic/1", "one", 0, 1);  // as if committed during the walk
    shard0.append("topic/3", "three", 0, 3);

    const auto record = reader.next();
    REQUIRE(record);
    CHECK(record->bus_seq == 3);
    CHECK(record->body == "three");
    CHECK(reader.last_bus_seq() == 3);
    CHECK_FALSE(reader.next());
}

}  // namespace
}  // namespace hookbot::shm_ring
