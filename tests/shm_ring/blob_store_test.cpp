// Large bodies in blob segments: round trip, the budget, late readers, and
// what a crashed writer leaves behind.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/layout.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

// Inline up to 256 bytes; blobs of up to 4 KiB, 10 KiB of them at most.
bus_options blob_options() {
    bus_options options;
    options.shards = 2;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 4096;
    options.max_inline_body_bytes = 256;
    options.blob_budget_bytes = 10 << 10;
    options.worker_slots = 2;
    return options;
}

std::string blob_prefix(const std::string& instance) {
    return "hookbot." + instance + ".blob.";
}

std::string blob_name(const bus& b, std::uint64_t bus_seq) {
    char epoch[17];
    std::snprintf(epoch, sizeof epoch, "%016llx", static_cast<unsigned long long>(b.epoch()));
    return blob_prefix(b.instance()) + epoch + "." + std::to_string(bus_seq);
}

// Names and total size of the instance's blobs in /dev/shm.
struct blobs_on_disk {
    std::vector<std::string> names;
    std::uint64_t bytes = 0;
};
blobs_on_disk blobs_of(const std::string& instance) {
    blobs_on_disk found;
    for (const auto& entry : std::filesystem::directory_iterator("/dev/shm")) {
        const std::string name = entry.path().filename().string();
        if (!name.starts_with(blob_prefix(instance))) continue;
        found.names.push_back(name);
        found.bytes += entry.file_size();
    }
    return found;
}

void make_stray_blob(const std::string& name, std::size_t bytes) {
    const int fd = ::shm_open(("/" + name).c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::ftruncate(fd, static_cast<off_t>(bytes)) == 0);
    ::close(fd);
}

TEST_CASE("a body over the inline limit goes to a blob and comes back byte for byte") {
    test::bus_guard guard(test::unique_instance("blob-trip"));
    bus b = bus::create(guard.instance(), blob_options());
    bus_writer writer(b);
    bus_reader reader(b);
    const std::string large = test::pattern_body(7, 4096);
    const std::string small = test::pattern_body(8, 256);
    const auto appended = writer.append("big", large, 5);
    REQUIRE(appended);
    REQUIRE(writer.append("small", small));

    const auto on_disk = blobs_of(guard.instance());
    REQUIRE(on_disk.names.size() == 1);  // only the large body
    CHECK(on_disk.names[0] == blob_name(b, appended->bus_seq));
    CHECK(on_disk.bytes == 4096);
    CHECK(writer.blob_bytes_held() == 4096);

    auto record = reader.next();
    REQUIRE(record);
    CHECK(record->topic == "big");
    CHECK(record->body == large);
    CHECK(record->flags == 5);  // the blob flag is the bus's, not the publisher's
    record = reader.next();
    REQUIRE(record);
    CHECK(record->body == small);
    CHECK(reader.lost_blobs() == 0);
    CHECK(reader.lapped_records() == 0);
}

TEST_CASE("a blob lives as long as its record is in its ring, read or not") {
    test::bus_guard guard(test::unique_instance("blob-retained"));
    bus b = bus::create(guard.instance(), blob_options());
    bus_writer writer(b);
    bus_reader live(b);
    const std::string large = test::pattern_body(3, 3000);
    const auto appended = writer.append("t", large);
    REQUIRE(appended);
    const auto record = live.next();
    REQUIRE(record);
    writer.release_overwritten_blobs();
    CHECK(blobs_of(guard.instance()).names.size() == 1);  // read, but still retained

    // A resume long after the live read still gets the body.
    const std::array<std::uint32_t, 1> shard{appended->shard};
    bus_reader resumed(b, 0, shard);
    const auto again = resumed.next();
    REQUIRE(again);
    CHECK(again->body == large);
    CHECK(resumed.lost_blobs() == 0);

    // Small records on the same topic overwrite its record: then it goes.
    const std::string filler = test::pattern_body(4, 200);
    while (b.oldest_retained(appended->shard)->bus_seq <= appended->bus_seq)
        REQUIRE(writer.append("t", filler));
    CHECK(blobs_of(guard.instance()).names.size() == 1);  // inline appends leave blobs be
    writer.release_overwritten_blobs();
    CHECK(blobs_of(guard.instance()).names.empty());
    CHECK(writer.blob_bytes_held() == 0);
    CHECK(record->body == large);  // still mapped: unlinking frees nothing in use
}

TEST_CASE("another shard's traffic does not release a blob") {
    test::bus_guard guard(test::unique_instance("blob-other-shard"));
    bus b = bus::create(guard.instance(), blob_options());
    bus_writer writer(b);
    const auto blob = writer.append("t", test::pattern_body(1, 1000));
    REQUIRE(blob);
    std::string other = "u";
    while (b.shard_of(other) == blob->shard) other += "u";
    for (int i = 0; i < 2000; ++i) REQUIRE(writer.append(other, test::pattern_body(2, 200)));
    writer.release_overwritten_blobs();
    CHECK(blobs_of(guard.instance()).names.size() == 1);
}

TEST_CASE("the budget unlinks the oldest blobs; a reader that comes too late counts them lost") {
    test::bus_guard guard(test::unique_instance("blob-budget"));
    bus b = bus::create(guard.instance(), blob_options());
    bus_writer writer(b);
    bus_reader late(b);
    constexpr std::uint64_t bodies = 10;
    for (std::uint64_t i = 1; i <= bodies; ++i) {
        REQUIRE(writer.append("t", test::pattern_body(i, 3000)));
        const auto on_disk = blobs_of(guard.instance());
        CHECK(on_disk.bytes <= blob_options().blob_budget_bytes);
        CHECK(on_disk.bytes == writer.blob_bytes_held());
    }
    // 10 KiB holds three 3000-byte blobs: the last three.
    std::uint64_t received = 0;
    while (const auto record = late.next()) {
        CHECK(record->bus_seq > bodies - 3);
        CHECK(record->body == test::pattern_body(record->bus_seq, 3000));
        ++received;
    }
    CHECK(received == 3);
    CHECK(late.lost_blobs() == bodies - 3);
    CHECK(late.lapped_records() == 0);
    MESSAGE("budget 10240 bytes: " << received << " of " << bodies << " 3000-byte blobs read, "
                                   << late.lost_blobs() << " counted lost");
}

TEST_CASE(
    "a new writer removes a dead writer's unfinished blob and stale epochs, adopts the rest") {
    test::bus_guard guard(test::unique_instance("blob-adopt"));
    bus b = bus::create(guard.instance(), blob_options());
    {
        bus_writer first(b);
        REQUIRE(first.append("t", test::pattern_body(1, 2000)));
        REQUIRE(first.append("t", test::pattern_body(2, 2000)));
    }
    make_stray_blob(blob_name(b, 3), 2000);  // died while writing bus_seq 3
    const std::string other_epoch = blob_prefix(guard.instance()) + "00000000000000ab.1";
    make_stray_blob(other_epoch, 100);
    const std::string not_ours = blob_prefix(guard.instance()) + "notes";  // never parsed as one
    make_stray_blob(not_ours, 10);

    bus_writer second(b);
    CHECK(second.blob_bytes_held() == 4000);
    auto names = blobs_of(guard.instance()).names;
    std::sort(names.begin(), names.end());
    CHECK(names == std::vector<std::string>{blob_name(b, 1), blob_name(b, 2), not_ours});
    const auto appended = second.append("t", test::pattern_body(3, 2000));
    REQUIRE(appended);
    CHECK(appended->bus_seq == 3);
    ::shm_unlink(("/" + not_ours).c_str());
}

TEST_CASE("bus::remove removes every blob of the instance and none of another") {
    const std::string instance = test::unique_instance("blob-remove");
    test::bus_guard guard(instance);
    test::bus_guard other_guard(instance + ".blob");  // a name that starts like ours
    bus b = bus::create(instance, blob_options());
    bus other = bus::create(other_guard.instance(), blob_options());
    bus_writer writer(b);
    bus_writer other_writer(other);
    REQUIRE(writer.append("t", test::pattern_body(1, 1000)));
    REQUIRE(other_writer.append("t", test::pattern_body(1, 1000)));
    const std::string ours = blob_name(b, 1);
    const std::string theirs = blob_name(other, 1);
    CHECK(std::filesystem::exists("/dev/shm/" + ours));
    bus::remove(instance);
    CHECK_FALSE(std::filesystem::exists("/dev/shm/" + ours));
    CHECK(std::filesystem::exists("/dev/shm/" + theirs));
}

[[noreturn]] void write_blobs_until_killed(const std::string& instance) {
    try {
        bus b = bus::open(instance, bus::access::writer);
        bus_writer writer(b);
        for (std::uint64_t i = 1;; ++i)
            writer.append("kill", test::pattern_body(i, 500 + i % 3000));
    } catch (...) {
        ::_exit(3);
    }
}

TEST_CASE("a writer killed by SIGKILL amid blobs: readers get intact bodies or count them lost") {
    test::bus_guard guard(test::unique_instance("blob-sigkill"));
    bus b = bus::create(guard.instance(), blob_options());
    bus_reader reader(b);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) write_blobs_until_killed(guard.instance());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!reader.has_pending() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(child, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));

    bus_writer resumed(b);  // cleans up what the dead one left
    CHECK(blobs_of(guard.instance()).bytes <= blob_options().blob_budget_bytes);
    const auto appended = resumed.append("kill", test::pattern_body(0, 4000));
    REQUIRE(appended);

    std::uint64_t intact = 0;
    std::uint64_t last_bus_seq = 0;
    while (const auto record = reader.next()) {
        const bool last = record->bus_seq == appended->bus_seq;
        const std::uint64_t i = last ? 0 : record->bus_seq;
        const std::size_t bytes = last ? 4000 : 500 + i % 3000;
        CHECK(record->body == test::pattern_body(i, bytes));
        last_bus_seq = record->bus_seq;
        ++intact;
    }
    CHECK(last_bus_seq == appended->bus_seq);
    CHECK(intact + reader.lost_blobs() + reader.lapped_records() == appended->bus_seq);
    MESSAGE("killed writer after " << appended->bus_seq - 1 << " records: " << intact
                                   << " read intact, " << reader.lost_blobs() << " blobs lost, "
                                   << reader.lapped_records() << " lapped");
}

}  // namespace
}  // namespace hookbot::shm_ring
