#include "topics/topic_index.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "recording_subscriber.hpp"

namespace {

using hookbot::fanout::topic_index;
using hookbot::fanout::testing::recording_subscriber;

std::vector<topic_index::match> find(const topic_index& index, std::string_view topic) {
    std::vector<topic_index::match> out;
    index.find(topic, out);
    return out;
}

bool matches(const topic_index& index, std::string_view topic, const recording_subscriber& s) {
    const auto out = find(index, topic);
    return std::any_of(out.begin(), out.end(),
                       [&](const topic_index::match& m) { return m.target == &s; });
}

}  // namespace

TEST_CASE("an exact subscription matches its topic only, with the bare format") {
    topic_index index;
    recording_subscriber s;
    index.add(s, "foo/bar", false);
    const auto out = find(index, "foo/bar");
    REQUIRE(out.size() == 1);
    CHECK(out[0].target == &s);
    CHECK_FALSE(out[0].recursive);
    CHECK_FALSE(matches(index, "foo", s));
    CHECK_FALSE(matches(index, "foo/bar/baz", s));
    CHECK_FALSE(matches(index, "foo/barx", s));
    CHECK_FALSE(matches(index, "", s));
}

TEST_CASE("a recursive subscription matches every topic below it, itself included") {
    topic_index index;
    recording_subscriber s;
    index.add(s, "foo/", true);
    for (const char* topic : {"foo/", "foo/bar", "foo/bar/baz", "foo/bar/"}) {
        CAPTURE(topic);
        const auto out = find(index, topic);
        REQUIRE(out.size() == 1);
        CHECK(out[0].target == &s);
        CHECK(out[0].recursive);
    }
    for (const char* topic : {"foo", "foobar", "bar/foo/", "bar/foo/x", "/foo/", "", "fo/"}) {
        CAPTURE(topic);
        CHECK(find(index, topic).empty());
    }
}

TEST_CASE("unsafe topics keep their own namespace") {
    topic_index index;
    recording_subscriber safe;
    recording_subscriber unsafe;
    index.add(safe, "foo/", true);
    index.add(unsafe, "/unsafe/foo/", true);
    CHECK(matches(index, "/unsafe/foo/x", unsafe));
    CHECK_FALSE(matches(index, "/unsafe/foo/x", safe));
    CHECK_FALSE(matches(index, "foo/x", unsafe));
}

TEST_CASE("the empty topic is an ordinary exact topic") {
    topic_index index;
    recording_subscriber s;
    index.add(s, "", false);
    CHECK(matches(index, "", s));
    CHECK_FALSE(matches(index, "x", s));
    CHECK_FALSE(matches(index, "/", s));
    CHECK_THROWS_AS(index.add(s, "", true), std::invalid_argument);
}

TEST_CASE("a recursive topic must end in a slash") {
    topic_index index;
    recording_subscriber s;
    CHECK_THROWS_AS(index.add(s, "foo", true), std::invalid_argument);
    CHECK(index.size() == 0);
}

TEST_CASE("each subscription appears once per message, in its own format") {
    topic_index index;
    recording_subscriber exact;
    recording_subscriber shallow;
    recording_subscriber deep;
    index.add(exact, "a/b/", false);  // an exact key may end in '/' too
    index.add(shallow, "a/", true);
    index.add(deep, "a/b/", true);
    const auto out = find(index, "a/b/");
    REQUIRE(out.size() == 3);
    for (const auto* s : {&exact, &shallow, &deep}) {
        CHECK(std::count_if(out.begin(), out.end(),
                            [&](const topic_index::match& m) { return m.target == s; }) == 1);
    }
    for (const auto& m : out) CHECK(m.recursive == (m.target != &exact));
}

TEST_CASE("many subscribers of one topic all match; adding twice counts once") {
    topic_index index;
    std::vector<recording_subscriber> subscribers(50);
    for (auto& s : subscribers) index.add(s, "t", false);
    index.add(subscribers[0], "t", false);
    CHECK(index.size() == 50);
    CHECK(find(index, "t").size() == 50);
}

TEST_CASE("removal stops matching and leaves the others") {
    topic_index index;
    recording_subscriber a;
    recording_subscriber b;
    recording_subscriber r;
    index.add(a, "t", false);
    index.add(b, "t", false);
    index.add(r, "t/", true);
    CHECK(index.size() == 3);
    index.remove(a, "t", false);
    CHECK(index.size() == 2);
    CHECK_FALSE(matches(index, "t", a));
    CHECK(matches(index, "t", b));
    index.remove(a, "t", false);   // not there: a no-op
    index.remove(r, "t/", false);  // wrong kind: a no-op
    CHECK(index.size() == 2);
    index.remove(r, "t/", true);
    CHECK(find(index, "t/x").empty());
    index.remove(b, "t", false);
    CHECK(index.size() == 0);
    CHECK(find(index, "t").empty());
}

TEST_CASE("removals from anywhere in a topic leave each other subscriber matched once") {
    topic_index index;
    std::vector<recording_subscriber> subscribers(10);
    for (auto& s : subscribers) index.add(s, "t", false);
    std::vector<bool> present(subscribers.size(), true);
    for (const std::size_t gone : {0, 5, 9, 3, 4}) {  // first, middle, last, ...
        index.remove(subscribers[gone], "t", false);
        present[gone] = false;
        const std::vector<topic_index::match> out = find(index, "t");
        CHECK(out.size() ==
              static_cast<std::size_t>(std::count(present.begin(), present.end(), true)));
        for (std::size_t i = 0; i < subscribers.size(); ++i) {
            CHECK(std::count_if(out.begin(), out.end(), [&](const topic_index::match& m) {
                      return m.target == &subscribers[i];
                  }) == (present[i] ? 1 : 0));
        }
    }
    index.add(subscribers[5], "t", false);  // back again
    CHECK(matches(index, "t", subscribers[5]));
    CHECK(index.size() == 6);
}

TEST_CASE("find reuses the caller's vector") {
    topic_index index;
    recording_subscriber s;
    index.add(s, "x", false);
    std::vector<topic_index::match> out;
    index.find("x", out);
    index.find("x", out);  // replaced, not appended
    CHECK(out.size() == 1);
    index.find("y", out);
    CHECK(out.empty());
}
