// Creating, opening and validating a bus by instance name.
#include "hookbot/shm_ring/bus.hpp"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

namespace bip = boost::interprocess;

bus_options small_options() {
    bus_options options;
    options.shards = 3;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.blob_budget_bytes = 4096;
    options.worker_slots = 4;
    return options;
}

std::string error_of(const auto& action) {
    try {
        action();
    } catch (const std::exception& error) {
        return error.what();
    }
    return "";
}

TEST_CASE("open maps what create made, with the same epoch and sizes") {
    test::bus_guard guard(test::unique_instance("bus"));
    bus created = bus::create(guard.instance(), small_options());
    bus opened = bus::open(guard.instance(), bus::access::reader);
    CHECK(created.epoch() != 0);
    CHECK(opened.epoch() == created.epoch());
    CHECK(opened.shard_count() == 3);
    CHECK(opened.ring_bytes() == 128 << 10);
    CHECK(opened.max_body_bytes() == 1024);
    CHECK(opened.worker_slot_count() == 4);
    created.slot(2).pid = 1234;
    CHECK(opened.slot(2).pid == 1234);  // the control segment is shared
    CHECK_THROWS_AS((void)opened.slot(4), std::out_of_range);
}

TEST_CASE("the bus's segments are readable and writable by their owner alone") {
    test::bus_guard guard(test::unique_instance("bus"));
    const bus created = bus::create(guard.instance(), small_options());
    for (const char* segment : {".rings", ".control"}) {
        struct stat status {};
        const std::string path = "/dev/shm/hookbot." + guard.instance() + segment;
        REQUIRE(::stat(path.c_str(), &status) == 0);
        CHECK((status.st_mode & 0777) == 0600);
    }
}

TEST_CASE("create replaces a leftover bus with a fresh epoch") {
    test::bus_guard guard(test::unique_instance("bus"));
    const std::uint64_t first = bus::create(guard.instance(), small_options()).epoch();
    bus second = bus::create(guard.instance(), small_options());
    CHECK(second.epoch() != first);
    bus_reader reader(second);
    CHECK_FALSE(reader.has_pending());
}

TEST_CASE("open of a missing bus throws naming the segment") {
    const std::string instance = test::unique_instance("missing");
    const std::string message = error_of([&] { (void)bus::open(instance, bus::access::reader); });
    CHECK(message.find("hookbot." + instance + ".rings") != std::string::npos);
    CHECK_THROWS_AS((void)bus::open(instance, bus::access::writer), std::runtime_error);
}

TEST_CASE("open of a segment with a bad magic or version throws naming it") {
    test::bus_guard guard(test::unique_instance("magic"));
    (void)bus::create(guard.instance(), small_options());
    const std::string name = "hookbot." + guard.instance() + ".rings";
    bip::shared_memory_object object(bip::open_only, name.c_str(), bip::read_write);
    bip::mapped_region region(object, bip::read_write);
    auto* base = static_cast<std::byte*>(region.get_address());

    std::uint32_t version = 99;
    std::memcpy(base + 8, &version, sizeof version);
    CHECK(error_of([&] {
              (void)bus::open(guard.instance(), bus::access::reader);
          }).find(name + ": layout version 99") != std::string::npos);

    const std::uint64_t magic = 0x0123456789abcdefULL;
    std::memcpy(base, &magic, sizeof magic);
    const std::string message =
        error_of([&] { (void)bus::open(guard.instance(), bus::access::reader); });
    CHECK(message.find(name) != std::string::npos);
    CHECK(message.find("bad magic") != std::string::npos);
}

TEST_CASE("open refuses a control segment from another epoch") {
    test::bus_guard guard(test::unique_instance("epoch"));
    (void)bus::create(guard.instance(), small_options());
    const std::string name = "hookbot." + guard.instance() + ".control";
    bip::shared_memory_object object(bip::open_only, name.c_str(), bip::read_write);
    bip::mapped_region region(object, bip::read_write);
    std::uint64_t epoch = 42;
    std::memcpy(static_cast<std::byte*>(region.get_address()) + 16, &epoch, sizeof epoch);
    const std::string message =
        error_of([&] { (void)bus::open(guard.instance(), bus::access::reader); });
    CHECK(message.find(name + ": epoch differs") != std::string::npos);
}

TEST_CASE("create validates its options with a clear message") {
    const std::string instance = test::unique_instance("options");
    test::bus_guard guard(instance);
    auto with = [](auto change) {
        bus_options options = small_options();
        change(options);
        return options;
    };
    CHECK_THROWS_WITH_AS((void)bus::create(instance, with([](auto& o) { o.ring_bytes = 100000; })),
                         doctest::Contains("ring_bytes must be a power of two"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(
        (void)bus::create(instance, with([](auto& o) { o.max_inline_body_bytes = 16 << 10; })),
        doctest::Contains("must fit 4 times"), std::invalid_argument);
    CHECK_THROWS_AS((void)bus::create(instance, with([](auto& o) { o.shards = 0; })),
                    std::invalid_argument);
    CHECK_THROWS_AS((void)bus::create(instance, with([](auto& o) { o.worker_slots = 0; })),
                    std::invalid_argument);
    CHECK_THROWS_AS((void)bus::create("a/b", small_options()), std::invalid_argument);
    CHECK_THROWS_AS((void)bus::create("", small_options()), std::invalid_argument);
    // The largest valid body for a ring: header + max topic + body = ring / 4.
    const std::uint64_t fits =
        (128 << 10) / 4 - sizeof(layout::record_header) - layout::max_topic_bytes;
    CHECK_NOTHROW(
        (void)bus::create(instance, with([&](auto& o) { o.max_inline_body_bytes = fits; })));
    CHECK_THROWS_AS(
        (void)bus::create(instance, with([&](auto& o) { o.max_inline_body_bytes = fits + 1; })),
        std::invalid_argument);
    CHECK(layout::max_record_bytes(bus_options{}.max_inline_body_bytes) * 4 <=
          bus_options{}.ring_bytes);
}

TEST_CASE("shard_of is a stable hash of the topic") {
    test::bus_guard guard(test::unique_instance("shard"));
    bus_options options = small_options();
    options.shards = 16;
    bus b = bus::create(guard.instance(), options);
    CHECK(b.shard_of("") == 0xcbf29ce484222325ULL % 16);   // FNV-1a offset basis
    CHECK(b.shard_of("a") == 0xaf63dc4c8601ec8cULL % 16);  // FNV-1a 64 of "a"
    CHECK(b.shard_of("github/push") == b.shard_of("github/push"));
    std::uint32_t seen = 0;
    for (int i = 0; i < 200; ++i) seen |= 1u << b.shard_of("topic/" + std::to_string(i));
    CHECK(seen == 0xffff);
}

TEST_CASE("a reader-mode bus maps the rings read-only and cannot be written") {
    test::bus_guard guard(test::unique_instance("ro"));
    (void)bus::create(guard.instance(), small_options());
    bus reader_bus = bus::open(guard.instance(), bus::access::reader);
    CHECK_THROWS_AS(bus_writer{reader_bus}, std::logic_error);
    bus writer_bus = bus::open(guard.instance(), bus::access::writer);
    bus_writer writer(writer_bus);
    CHECK(writer.append("t", "x"));
}

TEST_CASE("append refuses an oversize topic, or a body over the blob budget, and writes nothing") {
    test::bus_guard guard(test::unique_instance("oversize"));
    bus b = bus::create(guard.instance(), small_options());
    bus_writer writer(b);
    bus_reader reader(b);
    CHECK_FALSE(writer.append("t", std::string(4097, 'x')));
    CHECK_FALSE(writer.append(std::string(layout::max_topic_bytes + 1, 't'), "x"));
    CHECK_FALSE(reader.has_pending());
    const auto biggest =
        writer.append(std::string(layout::max_topic_bytes, 't'), std::string(1024, 'x'));
    REQUIRE(biggest);
    CHECK(biggest->bus_seq == 1);
    const auto record = reader.next();
    REQUIRE(record);
    CHECK(record->body.size() == 1024);
    CHECK(record->topic.size() == layout::max_topic_bytes);
}

TEST_CASE("a second writer is refused while the first maps the bus, and follows it once gone") {
    test::bus_guard guard(test::unique_instance("writers"));
    const bus created = bus::create(guard.instance(), small_options());
    std::optional<bus> first = bus::open(guard.instance(), bus::access::writer);
    std::optional<bus_writer> first_writer(std::in_place, *first);
    bus second = bus::open(guard.instance(), bus::access::writer);
    const std::string message = error_of([&] { bus_writer refused(second); });
    CHECK(message ==
          "bus \"" + guard.instance() + "\" already has a writer: another process appends to it");
    CHECK(first_writer->append("t", "x"));
    first_writer.reset();
    first.reset();  // the lock goes with the mapping
    bus_writer follower(second);
    const auto appended = follower.append("t", "y");
    REQUIRE(appended);
    CHECK(appended->bus_seq == 2);
}

TEST_CASE("a writer that is killed leaves the bus to the next one") {
    test::bus_guard guard(test::unique_instance("killed"));
    const bus created = bus::create(guard.instance(), small_options());
    int ready[2];
    REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            bus mine = bus::open(guard.instance(), bus::access::writer);
            bus_writer writer(mine);
            (void)!::write(ready[1], "w", 1);
            for (;;) ::pause();
        } catch (...) {
            ::_exit(3);
        }
    }
    ::close(ready[1]);
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    ::close(ready[0]);
    bus mine = bus::open(guard.instance(), bus::access::writer);
    CHECK_THROWS_AS(bus_writer{mine}, std::runtime_error);
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    bus_writer writer(mine);
    CHECK(writer.append("t", "x"));
}

TEST_CASE("create refuses a bus whose creator still runs, and replaces it once gone") {
    test::bus_guard guard(test::unique_instance("owner"));
    std::optional<bus> first = bus::create(guard.instance(), small_options());
    const std::uint64_t first_epoch = first->epoch();
    const std::string message =
        error_of([&] { (void)bus::create(guard.instance(), small_options()); });
    CHECK(message == "bus \"" + guard.instance() +
                         "\" is in use: the process that created it still runs (one hookbot "
                         "serve per bus)");
    // Nothing of the first was touched.
    CHECK(bus::open(guard.instance(), bus::access::reader).epoch() == first_epoch);
    first.reset();
    CHECK(bus::create(guard.instance(), small_options()).epoch() != first_epoch);
}

}  // namespace
}  // namespace hookbot::shm_ring
