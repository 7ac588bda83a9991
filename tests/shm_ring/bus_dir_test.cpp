// A bus kept in a folder (--bus-dir): reopened by the next create with the
// same epoch and records, refused when it is not a bus made the same way.
#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/layout.hpp"
#include "test_support.hpp"

namespace hookbot::shm_ring {
namespace {

// A temporary folder, removed with what is in it when the test ends.
class temp_dir {
  public:
    temp_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "hookbot-bus-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    [[nodiscard]] const std::string& path() const noexcept { return path_; }

  private:
    std::string path_;
};

bus_options kept_in(const std::string& dir) {
    bus_options options;
    options.shards = 2;
    options.ring_bytes = 128 << 10;
    options.max_body_bytes = 1024;
    options.max_inline_body_bytes = 1024;
    options.blob_budget_bytes = 2048;
    options.worker_slots = 2;
    options.dir = dir;
    return options;
}

std::string error_of(const std::string& instance, const bus_options& options) {
    try {
        bus::create(instance, options);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a bus in a folder is reopened: same epoch, its records kept, sequences going on") {
    const temp_dir dir;
    test::bus_guard guard(test::unique_instance("kept"));
    std::uint64_t epoch = 0;
    {
        bus first = bus::create(guard.instance(), kept_in(dir.path()));
        epoch = first.epoch();
        bus_writer writer(first);
        for (int i = 1; i <= 10; ++i)
            REQUIRE(writer.append("t", std::string("m") + std::to_string(i)));
    }  // the whole server gone
    CHECK(std::filesystem::exists(bus::rings_file(dir.path(), guard.instance())));
    bus again = bus::create(guard.instance(), kept_in(dir.path()));
    CHECK(again.epoch() == epoch);
    bus_writer writer(again);
    CHECK(writer.last_bus_seq() == 10);
    const auto next = writer.append("t", "m11");
    REQUIRE(next);
    CHECK(next->bus_seq == 11);

    const std::array<std::uint32_t, 1> shard{again.shard_of("t")};
    bus reader_bus = bus::open(guard.instance(), bus::access::reader, dir.path());
    bus_reader since_seven(reader_bus, 7, shard);
    CHECK_FALSE(since_seven.started_after_loss());
    for (const char* body : {"m8", "m9", "m10", "m11"}) {
        const auto record = since_seven.next();
        REQUIRE(record);
        CHECK(record->body == body);
    }
    CHECK_FALSE(since_seven.next());
}

TEST_CASE("a kept bus keeps its large bodies in its folder, across a clean stop") {
    const temp_dir dir;
    test::bus_guard guard(test::unique_instance("kept-blobs"));
    bus_options options = kept_in(dir.path());
    options.max_inline_body_bytes = 256;  // larger bodies go to blobs
    const std::string large(900, 'L');
    std::uint32_t shard = 0;
    {
        bus first = bus::create(guard.instance(), options);
        bus_writer writer(first);
        const auto appended = writer.append("t", large);
        REQUIRE(appended);
        shard = appended->shard;
    }
    bus::remove(guard.instance());  // what serve does when it stops

    std::vector<std::string> blobs;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        const std::string name = entry.path().filename().string();
        if (name.find(".blob.") != std::string::npos) blobs.push_back(name);
    }
    CHECK(blobs.size() == 1);
    for (const std::string& name : blobs) CHECK_FALSE(std::filesystem::exists("/dev/shm/" + name));

    bus again = bus::create(guard.instance(), options);
    bus_writer writer(again);  // adopts the blob its record names
    const std::array<std::uint32_t, 1> shards{shard};
    bus reader_bus = bus::open(guard.instance(), bus::access::reader, dir.path());
    bus_reader resumed(reader_bus, 0, shards);
    const auto record = resumed.next();
    REQUIRE(record);
    CHECK(record->body == large);
    CHECK(resumed.lost_blobs() == 0);
}

TEST_CASE("a bus made with a given epoch keeps a folder's bus of that epoch, replaces another") {
    const temp_dir dir;
    test::bus_guard guard(test::unique_instance("given-epoch"));
    bus_options options = kept_in(dir.path());
    options.epoch = 0x1234;
    {
        bus first = bus::create(guard.instance(), options);
        CHECK(first.epoch() == 0x1234);
        bus_writer writer(first);
        REQUIRE(writer.append_at(41, "t", "kept"));
        REQUIRE(writer.append_at(42, "t", std::string(2000, 'b')));  // a blob in the folder
    }
    {
        bus same = bus::create(guard.instance(), options);
        CHECK(bus_writer(same).last_bus_seq() == 42);
    }
    options.epoch = 0x5678;  // the stream was replaced
    bus other = bus::create(guard.instance(), options);
    CHECK(other.epoch() == 0x5678);
    CHECK(bus_writer(other).last_bus_seq() == 0);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(entry.path().filename().string().find(".blob.") == std::string::npos);
}

TEST_CASE("a bus file made with other options, of another layout, or corrupt is refused") {
    const temp_dir dir;
    test::bus_guard guard(test::unique_instance("kept-refused"));
    const std::string path = bus::rings_file(dir.path(), guard.instance());
    bus::create(guard.instance(), kept_in(dir.path()));

    auto other = kept_in(dir.path());
    other.ring_bytes = 256 << 10;
    const std::string options_error = error_of(guard.instance(), other);
    CHECK(options_error.find("bus file " + path) != std::string::npos);
    CHECK(options_error.find("made with --ring-bytes 131072, not 262144") != std::string::npos);

    {  // another layout version
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        const std::uint32_t version = layout::layout_version + 1;
        file.seekp(offsetof(layout::bus_header, layout_version));
        file.write(reinterpret_cast<const char*>(&version), sizeof version);
    }
    const std::string version_error = error_of(guard.instance(), kept_in(dir.path()));
    CHECK(version_error.find("layout version " + std::to_string(layout::layout_version + 1)) !=
          std::string::npos);
    CHECK(version_error.find("move it away") != std::string::npos);

    std::filesystem::resize_file(path, 100);  // cut short
    CHECK(error_of(guard.instance(), kept_in(dir.path())).find("not a bus") != std::string::npos);
    // Refused, and left as it was: never half-read, never replaced.
    CHECK(std::filesystem::file_size(path) == 100);
}

}  // namespace hookbot::shm_ring
