// docs/PROTOCOL.md D1 (processing order, canonicalisation) and D3 (topics).
#include "hookbot/routing/route.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <variant>

using hookbot::routing::dispatch;
using hookbot::routing::endpoint;
using hookbot::routing::malformed;
using hookbot::routing::redirect;
using hookbot::routing::route;
using hookbot::routing::ui_paths;

namespace {

bool is_malformed(std::string_view target) {
    return std::holds_alternative<malformed>(route(target));
}

// The Location of a redirect, or nullopt for any other decision.
std::optional<std::string> location_of(std::string_view target) {
    const auto decision = route(target);
    if (const auto* moved = std::get_if<redirect>(&decision)) return moved->location;
    return std::nullopt;
}

dispatch dispatched(std::string_view target) {
    auto decision = route(target);
    REQUIRE(std::holds_alternative<dispatch>(decision));
    return std::get<dispatch>(std::move(decision));
}

}  // namespace

TEST_CASE("D1.1: an invalid percent-escape is malformed") {
    CHECK(is_malformed("/pub/%zz"));
    CHECK(is_malformed("/pub/x%"));
    CHECK(is_malformed("/pub/x%4"));
    CHECK(is_malformed("/%zz/../x"));  // before canonicalisation
}

TEST_CASE("D1.1: only the path is decoded; a bad escape in the query is not malformed") {
    CHECK(dispatched("/pub/x?a=%zz").query == "a=%zz");
}

TEST_CASE("a target that is neither origin-form nor absolute-form is malformed") {
    CHECK(is_malformed(""));
    CHECK(is_malformed("*"));
    CHECK(is_malformed("pub/x"));
    CHECK(is_malformed("example.com:443"));
    CHECK(is_malformed("://host/pub/x"));
}

TEST_CASE("D1.2 examples") {
    CHECK(location_of("/pub/../sub/x") == "/sub/x");
    CHECK(location_of("/pub/%2e%2e/sub/x") == "/sub/x");
    CHECK(location_of("/pub//t?a=1&b") == "/pub/t?a=1&b");
}

TEST_CASE("D1.2: '.' segments, '..' above the root, trailing '/' kept") {
    CHECK(location_of("/pub/./x") == "/pub/x");
    CHECK(location_of("/pub/x/./") == "/pub/x/");
    CHECK(location_of("/pub/x/.") == "/pub/x");
    CHECK(location_of("/pub/x/..") == "/pub");
    CHECK(location_of("/../../pub/x/") == "/pub/x/");
    CHECK(location_of("//") == "/");
    CHECK(location_of("/pub/a//b//") == "/pub/a/b/");
}

TEST_CASE("D1.2: the check is on the decoded path; %2F acts as a separator") {
    CHECK(location_of("/pub/a%2F%2Fb") == "/pub/a/b");
    CHECK(location_of("/pub/a%2F..%2Fb") == "/pub/b");
    CHECK(location_of("/pub/%2E/x") == "/pub/x");
}

TEST_CASE("D1.2: the Location is percent-encoded again; the query is copied raw") {
    CHECK(location_of("/pub//a%20b") == "/pub/a%20b");
    CHECK(location_of("/pub//a%3Fb?c=%20d") == "/pub/a%3Fb?c=%20d");
    CHECK(location_of("/pub//x?") == "/pub/x");
}

TEST_CASE("D1.2: names that merely contain dots are clean") {
    CHECK(dispatched("/pub/.x").topic == ".x");
    CHECK(dispatched("/pub/x../...").topic == "x../...");
}

TEST_CASE("D1.3: exactly /status is the status endpoint") {
    CHECK(dispatched("/status").kind == endpoint::status);
    CHECK(dispatched("/status?x=1").kind == endpoint::status);
    CHECK(dispatched("/stat%75s").kind == endpoint::status);
}

TEST_CASE("D1.3: /status/ and below are root-endpoint topics") {
    const dispatch directory = dispatched("/status/");
    CHECK(directory.kind == endpoint::root);
    CHECK(directory.topic == "status/");
    CHECK(directory.recursive);
    CHECK(dispatched("/status/x").kind == endpoint::root);
    CHECK(dispatched("/statusx").kind == endpoint::root);
}

TEST_CASE("exactly /metrics is the metrics endpoint; below it, root-endpoint topics") {
    const dispatch metrics = dispatched("/metrics?x=1");
    CHECK(metrics.kind == endpoint::metrics);
    CHECK(metrics.path == "/metrics");
    CHECK(metrics.query == "x=1");
    CHECK(dispatched("/metric%73").kind == endpoint::metrics);
    CHECK(dispatched("/metrics/").kind == endpoint::root);
    CHECK(dispatched("/metrics/x").topic == "metrics/x");
    CHECK(dispatched("/metricsx").kind == endpoint::root);
    CHECK(dispatched("/pub/metrics").kind == endpoint::pub);
    CHECK(dispatched("/sub/metrics").topic == "metrics");
    CHECK(location_of("/./metrics") == "/metrics");
}

TEST_CASE("--ui off: /ui and the paths below it are root-endpoint topics, as in the original") {
    const auto off = [](std::string_view target) {
        auto decision = route(target, ui_paths::topics);
        REQUIRE(std::holds_alternative<dispatch>(decision));
        return std::get<dispatch>(std::move(decision));
    };
    CHECK(off("/ui/").kind == endpoint::root);
    CHECK(off("/ui/").topic == "ui/");
    CHECK(off("/ui/x").topic == "ui/x");
    CHECK(off("/ui").topic == "ui");
    CHECK(off("/metrics").kind == endpoint::metrics);
}

TEST_CASE("/ui and everything below /ui/ are the inspector's; the topic ui/x stays reachable") {
    const dispatch page = dispatched("/ui/?x=1");
    CHECK(page.kind == endpoint::ui);
    CHECK(page.path == "/ui/");
    CHECK(page.query == "x=1");
    CHECK(dispatched("/ui").kind == endpoint::ui);
    CHECK(dispatched("/ui/inspector.js").path == "/ui/inspector.js");
    CHECK(dispatched("/%75i/x").kind == endpoint::ui);
    CHECK(dispatched("/uix").kind == endpoint::root);
    CHECK(dispatched("/pub/ui/x").topic == "ui/x");
    CHECK(dispatched("/sub/ui/").kind == endpoint::sub);
    CHECK(location_of("/ui/../ui/x") == "/ui/x");
}

TEST_CASE("D1.4: /pub, /sub, /unsafe/pub and /unsafe/sub get their trailing slash") {
    CHECK(location_of("/pub") == "/pub/");
    CHECK(location_of("/sub") == "/sub/");
    CHECK(location_of("/unsafe/pub") == "/unsafe/pub/");
    CHECK(location_of("/unsafe/sub") == "/unsafe/sub/");
    CHECK(location_of("/sub?x=1") == "/sub/?x=1");
    CHECK(location_of("/%70ub") == "/pub/");
    CHECK_FALSE(location_of("/unsafe"));
    CHECK_FALSE(location_of("/pubx"));
}

TEST_CASE("D3 topic table: /pub/X and /sub/X have topic X") {
    const dispatch pub = dispatched("/pub/foo/bar");
    CHECK(pub.kind == endpoint::pub);
    CHECK(pub.topic == "foo/bar");
    CHECK(pub.path == "/pub/foo/bar");
    const dispatch sub = dispatched("/sub/foo/bar");
    CHECK(sub.kind == endpoint::sub);
    CHECK(sub.topic == "foo/bar");
}

TEST_CASE("D3 topic table: /unsafe/pub/X and /unsafe/sub/X have topic /unsafe/X") {
    const dispatch pub = dispatched("/unsafe/pub/foo");
    CHECK(pub.kind == endpoint::unsafe_pub);
    CHECK(pub.topic == "/unsafe/foo");
    const dispatch sub = dispatched("/unsafe/sub/foo/");
    CHECK(sub.kind == endpoint::unsafe_sub);
    CHECK(sub.topic == "/unsafe/foo/");
    CHECK(sub.path == "/unsafe/sub/foo/");
}

TEST_CASE("D3 topic table: any other /X is the root endpoint with topic X") {
    const dispatch root = dispatched("/foo/bar");
    CHECK(root.kind == endpoint::root);
    CHECK(root.topic == "foo/bar");
    const dispatch unsafe_root = dispatched("/unsafe/x");
    CHECK(unsafe_root.kind == endpoint::root);
    CHECK(unsafe_root.topic == "unsafe/x");
    CHECK(dispatched("/pubx").topic == "pubx");
}

TEST_CASE("D3: / , /pub/ and /sub/ are the empty topic, not recursive") {
    for (const std::string_view target : {"/", "/pub/", "/sub/"}) {
        CAPTURE(target);
        const dispatch empty = dispatched(target);
        CHECK(empty.topic.empty());
        CHECK_FALSE(empty.recursive);
    }
    CHECK(dispatched("/").kind == endpoint::root);
}

TEST_CASE("D3: recursive iff the topic ends in '/'") {
    CHECK(dispatched("/sub/foo/").recursive);
    CHECK(dispatched("/sub/foo/bar/").recursive);
    CHECK(dispatched("/foo/").recursive);
    CHECK(dispatched("/unsafe/sub/foo/").recursive);
    CHECK_FALSE(dispatched("/sub/foo").recursive);
    CHECK_FALSE(dispatched("/unsafe/sub/foo").recursive);
}

TEST_CASE("D3: the query is never part of the topic") {
    const dispatch sub = dispatched("/sub/t?recursive");
    CHECK(sub.topic == "t");
    CHECK_FALSE(sub.recursive);
    CHECK(sub.query == "recursive");
    CHECK(sub.path == "/sub/t");
    CHECK(dispatched("/pub/t?").query.empty());
}

TEST_CASE("D3: topics are decoded; %2F is a separator; sub-delims kept verbatim") {
    const dispatch slash = dispatched("/pub/a%2Fb");
    CHECK(slash.topic == "a/b");
    CHECK(slash.path == "/pub/a/b");
    CHECK(dispatched("/pub/a%20b").topic == "a b");
    CHECK(dispatched("/pub/!$&'()*+,;=~@:").topic == "!$&'()*+,;=~@:");
    CHECK(dispatched("/sub/foo%3Frecursive").topic == "foo?recursive");
    CHECK(dispatched("/sub/foo%2F").recursive);
}

TEST_CASE("D3: topics may be long") {
    const std::string topic(8192, 't');
    CHECK(dispatched("/pub/" + topic).topic == topic);
}

TEST_CASE("absolute-form targets use their path and query") {
    const dispatch absolute = dispatched("http://example.com:8080/pub/x?a=1");
    CHECK(absolute.kind == endpoint::pub);
    CHECK(absolute.topic == "x");
    CHECK(absolute.query == "a=1");
    CHECK(dispatched("https://example.com").kind == endpoint::root);
    CHECK(dispatched("http://example.com?q").path == "/");
    CHECK(location_of("http://h/pub") == "/pub/");
    CHECK(location_of("http://h/a/../b") == "/b");
    CHECK(is_malformed("http://h/pub/%zz"));
}
