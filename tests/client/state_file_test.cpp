#include "hookbot/client/state_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "../support/temporary_directory.hpp"

using hookbot::client::state_file;

namespace {

std::string content_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The message of what load() throws, or "" when it throws nothing.
std::string load_error(const state_file& state) {
    try {
        static_cast<void>(state.load());
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("state file: a missing file means no id yet (start from live messages)") {
    temporary_directory dir;
    CHECK_FALSE(state_file(dir.path("state")).load());
}

TEST_CASE("state file: a saved id is read back, and each save replaces the last whole") {
    temporary_directory dir;
    const state_file state(dir.path("state"));
    REQUIRE_FALSE(state.save("00f3a1b2c3d4e5f6-42"));
    CHECK(state.load() == "00f3a1b2c3d4e5f6-42");
    CHECK(content_of(state.path()) == "00f3a1b2c3d4e5f6-42\n");
    REQUIRE_FALSE(state.save("00f3a1b2c3d4e5f6-7"));
    CHECK(content_of(state.path()) == "00f3a1b2c3d4e5f6-7\n");
    // Nothing is left beside it: the temporary file was renamed over it.
    CHECK_FALSE(std::filesystem::exists(state.path() + ".tmp"));
}

TEST_CASE("state file: a save goes through a rename, never a rewrite in place") {
    temporary_directory dir;
    const state_file state(dir.path("state"));
    REQUIRE_FALSE(state.save("a-1"));
    struct stat before {};
    REQUIRE(::stat(state.path().c_str(), &before) == 0);
    // A reader holding the old file still sees the old id whole.
    std::ifstream old_reader(state.path());
    REQUIRE_FALSE(state.save("b-2"));
    struct stat after {};
    REQUIRE(::stat(state.path().c_str(), &after) == 0);
    CHECK(before.st_ino != after.st_ino);
    std::string old_content;
    std::getline(old_reader, old_content);
    CHECK(old_content == "a-1");
}

TEST_CASE("state file: a leftover temporary file from a crash does not matter") {
    temporary_directory dir;
    const state_file state(dir.path("state"));
    dir.write("state", "a-1\n");
    dir.write("state.tmp", "half");
    CHECK(state.load() == "a-1");
    REQUIRE_FALSE(state.save("a-2"));
    CHECK(state.load() == "a-2");
}

TEST_CASE("state file: a corrupt file is refused, naming the file and what to do") {
    temporary_directory dir;
    const state_file state(dir.path("state"));
    for (const std::string& content :
         {std::string(""), std::string("a-1"), std::string("\n"), std::string("a-1\nb-2\n"),
          std::string("a 1\n"), std::string("a-1\r\n"), std::string("\xff-1\n"),
          std::string(2000, 'x') + "\n", std::string("a\0b\n", 4)}) {
        CAPTURE(content);
        dir.write("state", content);
        const std::string error = load_error(state);
        CHECK(error.find(state.path()) != std::string::npos);
        CHECK(error.find("corrupt") != std::string::npos);
        CHECK(error.find("remove it") != std::string::npos);
    }
}

TEST_CASE("state file: an unreadable path is an error, not an empty state") {
    temporary_directory dir;
    std::filesystem::create_directory(dir.path("a-directory"));
    CHECK(load_error(state_file(dir.path("a-directory"))).find("cannot read") != std::string::npos);
}

TEST_CASE("state file: a save into a missing directory or of a non-id fails and says so") {
    temporary_directory dir;
    CHECK(state_file(dir.path("missing/state")).save("a-1") ==
          std::errc::no_such_file_or_directory);
    CHECK(state_file(dir.path("state")).save("two words") == std::errc::invalid_argument);
    CHECK(state_file(dir.path("state")).save("") == std::errc::invalid_argument);
}
