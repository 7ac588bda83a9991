#include "ui/entity_tag.hpp"

#include <doctest/doctest.h>

using hookbot::acceptor::ui::entity_tag;
using hookbot::acceptor::ui::none_match_names;

namespace {
const std::string sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
}

TEST_CASE("a file's tag is the quoted start of its hash") {
    CHECK(entity_tag(sha256) == "\"9f86d081884c7d659a2feaa0c55ad015\"");
}

TEST_CASE("If-None-Match names a tag alone, in a list, weakly, or as *") {
    const std::string tag = entity_tag(sha256);
    CHECK(none_match_names(tag, tag));
    CHECK(none_match_names("\"x\", " + tag, tag));
    CHECK(none_match_names("\"x\"," + tag + " ,\"y\"", tag));
    CHECK(none_match_names("W/" + tag, tag));
    CHECK(none_match_names(" * ", tag));
}

TEST_CASE("If-None-Match without the tag, empty, or with a tag's unquoted value does not") {
    const std::string tag = entity_tag(sha256);
    CHECK_FALSE(none_match_names("", tag));
    CHECK_FALSE(none_match_names("\"x\"", tag));
    CHECK_FALSE(none_match_names("9f86d081884c7d659a2feaa0c55ad015", tag));
    CHECK_FALSE(none_match_names(tag.substr(0, 10), tag));
    CHECK_FALSE(none_match_names(",,", tag));
}
