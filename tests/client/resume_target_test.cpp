#include "hookbot/client/resume_target.hpp"

#include <doctest/doctest.h>

using hookbot::client::resume_target;
using hookbot::client::subscription_topic;

TEST_CASE("resume target: format=json is always added, since only once an id is known") {
    CHECK(resume_target("/sub/x", std::nullopt) == "/sub/x?format=json");
    CHECK(resume_target("/sub/x", "00f3a1b2c3d4e5f6-42") ==
          "/sub/x?format=json&since=00f3a1b2c3d4e5f6-42");
}

TEST_CASE("resume target: the user's query is kept, in order; format and since are replaced") {
    CHECK(resume_target("/sub/x/?a=1&b=two", std::nullopt) == "/sub/x/?a=1&b=two&format=json");
    CHECK(resume_target("/sub/x?format=raw&a=1", std::nullopt) == "/sub/x?a=1&format=json");
    // The URL's own since holds until the first message gives an id...
    CHECK(resume_target("/sub/x?since=all&a=1", std::nullopt) ==
          "/sub/x?since=all&a=1&format=json");
    // ...and is replaced from then on.
    CHECK(resume_target("/sub/x?since=all&a=1", "e-3") == "/sub/x?a=1&format=json&since=e-3");
    CHECK(resume_target("/sub/x?&&a=1&", "e-3") == "/sub/x?a=1&format=json&since=e-3");
    // A parameter whose name only starts with "since" is the user's.
    CHECK(resume_target("/sub/x?sincere=1", "e") == "/sub/x?sincere=1&format=json&since=e");
}

TEST_CASE("resume target: an id with reserved bytes is percent-encoded") {
    CHECK(resume_target("/sub/x", "a&b=c d/é") ==
          "/sub/x?format=json&since=a%26b%3Dc%20d%2F%C3%A9");
    CHECK(resume_target("/sub/x", "A-z_0.9~") == "/sub/x?format=json&since=A-z_0.9~");
}

TEST_CASE("subscription topic: the topic of each subscription path, and whether it recurses") {
    const auto exact = subscription_topic("/sub/deploy/web?x=1");
    REQUIRE(exact);
    CHECK(exact->topic == "deploy/web");
    CHECK_FALSE(exact->recursive);
    const auto recursive = subscription_topic("/sub/deploy/");
    REQUIRE(recursive);
    CHECK(recursive->topic == "deploy/");
    CHECK(recursive->recursive);
    const auto unsafe = subscription_topic("/unsafe/sub/github.com/");
    REQUIRE(unsafe);
    CHECK(unsafe->topic == "/unsafe/github.com/");
    const auto root = subscription_topic("/a%20b");
    REQUIRE(root);
    CHECK(root->topic == "a b");
}

TEST_CASE("subscription topic: publish paths, /status and bad escapes are not subscriptions") {
    for (const char* target : {"/pub/x", "/unsafe/pub/x", "/status", "/metrics", "/sub/%zz"}) {
        CAPTURE(target);
        CHECK_FALSE(subscription_topic(target));
    }
}
