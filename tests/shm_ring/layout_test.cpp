// The bytes on the bus, read back raw at the offsets layout.hpp promises.
#include "hookbot/shm_ring/layout.hpp"

#include <doctest/doctest.h>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cstring>

#include "hookbot/shm_ring/bus_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

namespace bip = boost::interprocess;

template <typename T>
T read_at(const std::byte* base, std::size_t offset) {
    T value;
    std::memcpy(&value, base + offset, sizeof value);
    return value;
}

TEST_CASE("record sizes are header + topic + body, padded to 8") {
    CHECK(layout::record_bytes(0, 0) == 48);
    CHECK(layout::record_bytes(1, 0) == 56);
    CHECK(layout::record_bytes(3, 5) == 56);
    CHECK(layout::record_bytes(3, 6) == 64);
    CHECK(layout::max_record_bytes(100) ==
          layout::align_record(48 + layout::max_topic_bytes + 100));
    CHECK(layout::align_record(8) == 8);
    CHECK(layout::align_record(9) == 16);
}

TEST_CASE("the default options make a valid bus layout") {
    const bus_options defaults;
    CHECK(layout::max_record_bytes(defaults.max_inline_body_bytes) * 4 <= defaults.ring_bytes);
    CHECK(layout::ring_data_offset(0, defaults.ring_bytes) == 128 + 2432);
    CHECK(layout::ring_header_offset(1, defaults.ring_bytes) == 128 + 2432 + defaults.ring_bytes);
    CHECK(layout::rings_segment_bytes(4, 4096) == 128 + 4 * (2432 + 4096));
    CHECK(layout::control_segment_bytes(64) == 640 + 64 * 832);
}

TEST_CASE("bus header and a record sit at the documented offsets") {
    test::bus_guard guard(test::unique_instance("layout"));
    bus_options options;
    options.shards = 2;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    bus writer_bus = bus::create(guard.instance(), options);
    bus_writer writer(writer_bus);
    const std::string topic = "a/b";
    const auto appended = writer.append(topic, "hello", 7);
    REQUIRE(appended);

    const std::string name = "hookbot." + guard.instance() + ".rings";
    bip::shared_memory_object object(bip::open_only, name.c_str(), bip::read_only);
    bip::mapped_region region(object, bip::read_only);
    const auto* base = static_cast<const std::byte*>(region.get_address());
    REQUIRE(region.get_size() >= layout::rings_segment_bytes(2, options.ring_bytes));

    CHECK(read_at<std::uint64_t>(base, 0) == layout::rings_magic);
    CHECK(read_at<std::uint32_t>(base, 8) == layout::layout_version);
    CHECK(read_at<std::uint32_t>(base, 12) == 2);
    CHECK(read_at<std::uint64_t>(base, 16) == writer_bus.epoch());
    CHECK(read_at<std::uint64_t>(base, 24) == options.ring_bytes);
    CHECK(read_at<std::uint64_t>(base, 32) == options.max_body_bytes);
    CHECK(read_at<std::uint32_t>(base, 40) == layout::max_topic_bytes);
    CHECK(read_at<std::uint32_t>(base, 44) == 48);
    CHECK(read_at<std::uint64_t>(base, 56) == options.max_inline_body_bytes);
    CHECK(read_at<std::uint64_t>(base, 64) == options.blob_budget_bytes);

    const std::size_t ring = layout::ring_header_offset(appended->shard, options.ring_bytes);
    CHECK(read_at<std::uint64_t>(base, ring + 0) == 0);     // head
    CHECK(read_at<std::uint64_t>(base, ring + 128) == 56);  // tail_intent
    CHECK(read_at<std::uint64_t>(base, ring + 256) == 56);  // tail
    CHECK(read_at<std::uint64_t>(base, ring + 384) == 0);   // resume_index[0]: the record at 0

    const std::byte* record = base + layout::ring_data_offset(appended->shard, options.ring_bytes);
    CHECK(read_at<std::uint32_t>(record, 0) == 48 + 3 + 5);
    CHECK(read_at<std::uint32_t>(record, 4) == 1);  // message
    CHECK(read_at<std::uint32_t>(record, 8) == 7);  // flags
    CHECK(read_at<std::uint32_t>(record, 12) == 3);
    CHECK(read_at<std::uint32_t>(record, 16) == 5);
    CHECK(read_at<std::uint64_t>(record, 24) == 1);  // ring_seq
    CHECK(read_at<std::uint64_t>(record, 32) == 1);  // bus_seq
    CHECK(std::memcmp(record + 48, "a/bhello", 8) == 0);
    // commit_us and unix_us: written a moment ago on this host's clocks.
    CHECK(elapsed_us32(read_at<std::uint32_t>(record, 20), monotonic_us32()) < 10'000'000);
    CHECK(unix_time_us() - read_at<std::uint64_t>(record, 40) < 10'000'000);
}

TEST_CASE("control segment: the acceptor's, the supervisor's and the workers' counters") {
    test::bus_guard guard(test::unique_instance("layout-control"));
    bus_options options;
    options.shards = 1;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.worker_slots = 2;
    bus created = bus::create(guard.instance(), options);
    created.acceptor().published_bytes.store(11);
    created.acceptor().cluster.requested_epoch.store(44);
    created.supervisor().worker_restarts.store(22);
    created.slot(1).counters.frames_written.store(33);

    const std::string name = "hookbot." + guard.instance() + ".control";
    bip::shared_memory_object object(bip::open_only, name.c_str(), bip::read_only);
    bip::mapped_region region(object, bip::read_only);
    const auto* base = static_cast<const std::byte*>(region.get_address());
    REQUIRE(region.get_size() >= layout::control_segment_bytes(2));
    CHECK(read_at<std::uint64_t>(base, 128 + offsetof(acceptor_counters, published_bytes)) == 11);
    CHECK(read_at<std::uint64_t>(base, 128 + offsetof(acceptor_counters, cluster) +
                                           offsetof(cluster_counters, requested_epoch)) == 44);
    CHECK(read_at<std::uint64_t>(base, 512 + offsetof(supervisor_counters, worker_restarts)) == 22);
    CHECK(read_at<std::uint64_t>(base,
                                 640 + 832 + 48 + offsetof(worker_counters, frames_written)) == 33);
}

}  // namespace
}  // namespace hookbot::shm_ring
