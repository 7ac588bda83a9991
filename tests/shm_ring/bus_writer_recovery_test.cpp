// A bus writer that dies: a new one resumes with no gap and no duplicate, and
// nothing the dead one half-wrote reaches a reader.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <chrono>
#include <cstring>
#include <thread>

#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

namespace bip = boost::interprocess;

bus_options recovery_options() {
    bus_options options;
    options.shards = 2;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 4096;
    options.max_inline_body_bytes = 4096;
    options.worker_slots = 2;
    return options;
}

// Writes, through the layout alone, what a writer leaves when it dies in the
// middle of copying a record into `shard`: a claim and half the bytes.
void die_mid_record(const std::string& instance, std::uint32_t shard, std::uint64_t ring_bytes,
                    std::uint64_t ring_seq, std::uint64_t bus_seq) {
    const std::string name = "hookbot." + instance + ".rings";
    bip::shared_memory_object object(bip::open_only, name.c_str(), bip::read_write);
    bip::mapped_region region(object, bip::read_write);
    auto* base = static_cast<std::byte*>(region.get_address());
    auto* ring = reinterpret_cast<layout::ring_header*>(
        base + layout::ring_header_offset(shard, ring_bytes));
    std::byte* data = base + layout::ring_data_offset(shard, ring_bytes);

    const std::uint64_t start = ring->tail.load();
    REQUIRE((start & (ring_bytes - 1)) + 1000 <= ring_bytes);  // no wrap in this test
    ring->tail_intent.store(start + 1000);
    layout::record_header header{};
    header.length = 1000 - 4;
    header.type = layout::record_type::message;
    header.topic_length = 6;
    header.body_length = 1000 - 4 - sizeof(layout::record_header) - 6;
    header.ring_seq = ring_seq;
    header.bus_seq = bus_seq;
    std::memcpy(data + (start & (ring_bytes - 1)), &header, sizeof header);
    std::memcpy(data + (start & (ring_bytes - 1)) + sizeof header, "dead/xhalf", 10);
}

TEST_CASE("a new bus writer resumes after a writer that died mid-record") {
    test::bus_guard guard(test::unique_instance("recover"));
    bus b = bus::create(guard.instance(), recovery_options());
    bus_reader reader(b);
    std::uint64_t ring_seq_of_shard[2] = {0, 0};
    {
        bus_writer dead(b);
        for (int i = 0; i < 25; ++i) {
            const auto appended = dead.append("topic/" + std::to_string(i), "before");
            REQUIRE(appended);
            ++ring_seq_of_shard[appended->shard];
        }
    }
    const std::uint32_t shard = b.shard_of("dead/x");
    die_mid_record(guard.instance(), shard, b.ring_bytes(), ring_seq_of_shard[shard] + 1, 26);

    std::uint64_t last = 0;
    while (const auto record = reader.next()) {
        CHECK(record->bus_seq == ++last);
        CHECK(record->body == "before");
    }
    CHECK(last == 25);

    bus_writer resumed(b);
    const auto appended = resumed.append("dead/x", "after");
    REQUIRE(appended);
    CHECK(appended->bus_seq == 26);
    CHECK(appended->shard == shard);
    const auto record = reader.next();
    REQUIRE(record);
    CHECK(record->bus_seq == 26);
    CHECK(record->ring_seq == ring_seq_of_shard[shard] + 1);
    CHECK(record->body == "after");
    CHECK(reader.lapped_records() == 0);
    CHECK_FALSE(reader.next());
}

// A child appends as fast as it can until SIGKILL stops it wherever it is.
[[noreturn]] void write_until_killed(const std::string& instance) {
    try {
        bus b = bus::open(instance, bus::access::writer);
        bus_writer writer(b);
        for (std::uint64_t i = 1;; ++i)
            writer.append("kill/" + std::to_string(i % 5), std::to_string(i));
    } catch (...) {
        ::_exit(3);
    }
}

TEST_CASE("a writer killed by SIGKILL: the next one continues the sequences") {
    test::bus_guard guard(test::unique_instance("sigkill"));
    bus b = bus::create(guard.instance(), recovery_options());
    bus_reader reader(b);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) write_until_killed(guard.instance());
    while (!reader.has_pending()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));

    std::uint64_t last_bus_seq = 0;
    std::uint64_t last_body = 0;
    std::uint64_t records = 0;
    while (const auto record = reader.next()) {
        CHECK(record->bus_seq > last_bus_seq);
        CHECK(std::stoull(std::string(record->body)) == record->bus_seq);  // intact
        last_bus_seq = record->bus_seq;
        last_body = std::stoull(std::string(record->body));
        ++records;
    }
    CHECK(records + reader.lapped_records() == last_bus_seq);
    const std::uint64_t lapped_before = reader.lapped_records();

    bus_writer resumed(b);
    for (std::uint64_t i = 1; i <= 10; ++i) {
        const auto appended =
            resumed.append("kill/" + std::to_string((last_body + i) % 5), "after");
        REQUIRE(appended);
        CHECK(appended->bus_seq == last_bus_seq + i);
    }
    for (std::uint64_t i = 1; i <= 10; ++i) {
        const auto record = reader.next();
        REQUIRE(record);
        CHECK(record->bus_seq == last_bus_seq + i);
        CHECK(record->body == "after");
    }
    CHECK(reader.lapped_records() == lapped_before);  // no gap across the restart
    MESSAGE("killed writer after " << last_bus_seq << " records; reader lapped " << lapped_before);
}

}  // namespace
}  // namespace hookbot::shm_ring
