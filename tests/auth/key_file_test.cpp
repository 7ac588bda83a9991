// The key file format (README "Keys"): one key per line, comments, rotation.
#include "hookbot/auth/key_file.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "../support/temporary_directory.hpp"

using hookbot::auth::max_key_file_bytes;
using hookbot::auth::max_keys;
using hookbot::auth::parse_key_file;
using hookbot::auth::read_key_file;
using strings = std::vector<std::string>;

TEST_CASE("one key per line, in order; blank lines and '#' comments ignored") {
    CHECK(parse_key_file("new-key\nold-key\n") == strings{"new-key", "old-key"});
    CHECK(parse_key_file("# rotated 2026-11-28\n\nnew-key\n   \n#old-key\nold-key") ==
          strings{"new-key", "old-key"});
    CHECK(parse_key_file("").empty());
    CHECK(parse_key_file("# nothing yet\n\n").empty());
}

TEST_CASE("whitespace around a key, CRLF line ends included, is not part of it") {
    CHECK(parse_key_file("new-key \t\r\nold-key\r\n") == strings{"new-key", "old-key"});
    CHECK(parse_key_file("  indented\n") == strings{"indented"});
    CHECK(parse_key_file("inner space stays\n") == strings{"inner space stays"});
    CHECK(parse_key_file("\r\n\r\n# c\r\nk\r\n") == strings{"k"});
}

TEST_CASE("a '#' only starts a comment at the start of a line") {
    CHECK(parse_key_file("key#with-hash\n  # indented comment\n") == strings{"key#with-hash"});
}

TEST_CASE("more than max_keys keys is refused, naming the line") {
    std::string text = "# header\n";
    for (std::size_t i = 0; i < max_keys; ++i) text += "key" + std::to_string(i) + "\n";
    CHECK(parse_key_file(text).size() == max_keys);
    text += "one-too-many\n";
    CHECK_THROWS_WITH_AS(parse_key_file(text), "line 18: more than 16 keys", std::invalid_argument);
}

TEST_CASE("read_key_file reads a file, and says which file and why it cannot") {
    const temporary_directory folder;
    const std::string keys = folder.write("keys", "# keys\nnew-key\r\nold-key\n");
    CHECK(read_key_file(keys) == strings{"new-key", "old-key"});

    const std::string missing = folder.path("missing");
    CHECK_THROWS_WITH_AS(read_key_file(missing),
                         ("key file " + missing + ": No such file or directory").c_str(),
                         std::runtime_error);
    const std::string empty = folder.write("empty", "\n# only a comment\n\n");
    CHECK_THROWS_WITH_AS(
        read_key_file(empty),
        ("key file " + empty + ": holds no key (only blank lines and '#' comments)").c_str(),
        std::runtime_error);
    const std::string huge = folder.write("huge", std::string(max_key_file_bytes + 1, 'k'));
    CHECK_THROWS_WITH_AS(read_key_file(huge),
                         ("key file " + huge + ": larger than 65536 bytes").c_str(),
                         std::runtime_error);
    CHECK(read_key_file(folder.write("exact", std::string(max_key_file_bytes, 'k'))).size() == 1);
    CHECK_THROWS_AS(read_key_file(folder.path("")), std::runtime_error);  // a directory
}
