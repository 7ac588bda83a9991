#include "http/request_plan.hpp"

#include <doctest/doctest.h>

#include "hookbot/auth/base64.hpp"
#include "hookbot/auth/token.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;

namespace {

const auth::verifier verifier({"foo"});

std::string token_for(std::string_view path) {
    return auth::make_token("foo", path);
}

struct request {
    http::request_header<> head;

    request(http::verb method, std::string_view target) {
        head.method(method);
        head.target(target);
        head.version(11);
        head.set(http::field::host, "localhost:8080");
    }
    request& bearer(std::string_view path) {
        head.set(http::field::authorization, "Bearer " + token_for(path));
        return *this;
    }
    request& websocket() {
        head.set(http::field::connection, "Upgrade");
        head.set(http::field::upgrade, "websocket");
        head.set(http::field::sec_websocket_version, "13");
        head.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
        return *this;
    }
    request& unsafe_ok() {
        head.set(unsafe_header_name, unsafe_header_value);
        return *this;
    }
    [[nodiscard]] request_plan plan() const {
        return plan_request(head, routing::route(head.target()), verifier);
    }
};

// The status of a plan that answers at once; 0 when it publishes or subscribes.
unsigned status_of(const request_plan& plan) {
    const auto* answer = std::get_if<reply>(&plan);
    return answer ? answer->response.result_int() : 0;
}

const publish_plan& published(const request_plan& plan) {
    REQUIRE(std::holds_alternative<publish_plan>(plan));
    return std::get<publish_plan>(plan);
}

const subscribe_plan& subscribed(const request_plan& plan) {
    REQUIRE(std::holds_alternative<subscribe_plan>(plan));
    return std::get<subscribe_plan>(plan);
}

}  // namespace

TEST_CASE("D1: malformed, redirects and /status come before any token") {
    const auto malformed = request(http::verb::post, "/pub/%zz").plan();
    CHECK(status_of(malformed) == 400);
    CHECK(std::get<reply>(malformed).close);

    const auto moved = request(http::verb::post, "/pub/../sub/x").plan();
    CHECK(status_of(moved) == 301);
    CHECK(std::get<reply>(moved).response[http::field::location] == "/sub/x");

    const auto slash = request(http::verb::get, "/unsafe/sub?a=1").plan();
    CHECK(status_of(slash) == 301);
    CHECK(std::get<reply>(slash).response[http::field::location] == "/unsafe/sub/?a=1");

    CHECK(status_of(request(http::verb::delete_, "/status").plan()) == 200);
    CHECK(std::get<reply>(request(http::verb::get, "/status").plan()).response.body() == "OK\n");
}

TEST_CASE("P1, D4.1: /pub/ needs a token, then POST or PUT") {
    CHECK(status_of(request(http::verb::post, "/pub/foo/bar").plan()) == 401);
    CHECK(
        published(request(http::verb::post, "/pub/foo/bar").bearer("/pub/foo/bar").plan()).topic ==
        "foo/bar");
    CHECK(published(request(http::verb::put, "/pub/foo/bar").bearer("/pub/").plan()).topic ==
          "foo/bar");
    CHECK(status_of(request(http::verb::get, "/pub/foo/bar").bearer("/pub/foo/bar").plan()) == 405);
    CHECK(status_of(request(http::verb::get, "/pub/foo/bar").plan()) == 401);
    CHECK(status_of(request(http::verb::post, "/pub/foo/bar").bearer("/sub/foo/bar").plan()) ==
          401);
}

TEST_CASE("T2: a Basic token is the user name") {
    request basic(http::verb::post, "/pub/foo/bar");
    basic.head.set(http::field::authorization,
                   "basic " + auth::base64_encode(token_for("/foo/") + ":x"));
    CHECK(published(basic.plan()).topic == "foo/bar");
    basic.head.set(http::field::authorization,
                   "Basic " + auth::base64_encode("x:" + token_for("/foo/")));
    CHECK(status_of(basic.plan()) == 401);
}

TEST_CASE("P5: /unsafe/pub/ needs no token and publishes under /unsafe/") {
    CHECK(published(request(http::verb::post, "/unsafe/pub/foo").plan()).topic == "/unsafe/foo");
    CHECK(status_of(request(http::verb::get, "/unsafe/pub/foo").plan()) == 405);
}

TEST_CASE("D4.3: extra-metadata, after the token") {
    const auto github =
        published(request(http::verb::post, "/pub/x?a=1&extra-metadata=github&extra-metadata=no")
                      .bearer("/pub/x")
                      .plan());
    CHECK(github.extra == extra_metadata::github);
    CHECK(github.topic == "x");
    CHECK(published(request(http::verb::post, "/pub/x?Extra-Metadata=nope").bearer("/pub/x").plan())
              .extra == extra_metadata::none);
    const auto bad =
        request(http::verb::post, "/pub/x?extra-metadata=gitlab").bearer("/pub/x").plan();
    CHECK(status_of(bad) == 400);
    CHECK(std::get<reply>(bad).response.body() == "400 Bad Request (bad ?extra-metadata=)\n");
    CHECK(status_of(request(http::verb::post, "/pub/x?extra-metadata=").bearer("/pub/x").plan()) ==
          400);
    CHECK(status_of(request(http::verb::post, "/pub/x?extra-metadata=gitlab").plan()) == 401);
    CHECK(published(
              request(http::verb::post, "/unsafe/pub/github.com/x?extra-metadata=github").plan())
              .extra == extra_metadata::github);
}

TEST_CASE("X3: extra-metadata=request keeps the raw query for the request it keeps") {
    const auto kept = published(
        request(http::verb::post, "/pub/x?a=%20b&extra-metadata=request").bearer("/pub/x").plan());
    CHECK(kept.extra == extra_metadata::request);
    CHECK(kept.query == "a=%20b&extra-metadata=request");
    CHECK(published(request(http::verb::put, "/pub/x?extra-metadata=request&extra-metadata=github")
                        .bearer("/pub/x")
                        .plan())
              .extra == extra_metadata::request);
    CHECK(status_of(
              request(http::verb::post, "/pub/x?extra-metadata=Request").bearer("/pub/x").plan()) ==
          400);
    CHECK(published(request(http::verb::post, "/x?extra-metadata=request").bearer("/x").plan())
              .extra == extra_metadata::request);
}

TEST_CASE("P2, D2.4, D5.1: /sub/ checks the token before the handshake") {
    CHECK(status_of(request(http::verb::get, "/sub/foo/bar").plan()) == 401);
    CHECK(status_of(request(http::verb::get, "/sub/foo/bar").websocket().plan()) == 401);
    const auto plain = request(http::verb::get, "/sub/foo/bar").bearer("/sub/foo/bar").plan();
    CHECK(status_of(plain) == 400);
    CHECK(std::get<reply>(plain).response.body() == "Bad Request\n");
    CHECK(std::get<reply>(plain).response[http::field::sec_websocket_version] == "13");

    const auto exact =
        subscribed(request(http::verb::get, "/sub/foo/bar").bearer("/foo/bar").websocket().plan());
    CHECK(exact.topic == "foo/bar");
    CHECK_FALSE(exact.recursive);
    const auto recursive =
        subscribed(request(http::verb::get, "/sub/foo/").bearer("/sub/foo/").websocket().plan());
    CHECK(recursive.topic == "foo/");
    CHECK(recursive.recursive);
}

TEST_CASE("P10: another Origin gets 403") {
    auto r = request(http::verb::get, "/sub/foo").bearer("/sub/foo").websocket();
    r.head.set(http::field::origin, "http://elsewhere:8080");
    CHECK(status_of(r.plan()) == 403);
}

TEST_CASE("P6, D6: the unsafe header first, then the token, then the handshake") {
    CHECK(status_of(request(http::verb::get, "/unsafe/sub/foo").websocket().plan()) == 400);
    auto wrong = request(http::verb::get, "/unsafe/sub/foo").websocket().bearer("/unsafe/sub/foo");
    wrong.head.set(unsafe_header_name, "i understand the security implications");
    const auto refused = wrong.plan();
    CHECK(status_of(refused) == 400);
    CHECK(std::get<reply>(refused).response.body() ==
          "400 Bad Request. X-Hookbot-Unsafe-Is-Ok header required.\n");
    CHECK(status_of(request(http::verb::get, "/unsafe/sub/foo").unsafe_ok().websocket().plan()) ==
          401);
    CHECK(status_of(request(http::verb::get, "/unsafe/sub/foo")
                        .unsafe_ok()
                        .bearer("/unsafe/sub/foo")
                        .plan()) == 400);
    CHECK(subscribed(request(http::verb::get, "/unsafe/sub/foo")
                         .unsafe_ok()
                         .bearer("/unsafe/sub/")
                         .websocket()
                         .plan())
              .topic == "/unsafe/foo");
}

TEST_CASE("P4, D5.4: the root endpoint checks the token, then the method") {
    CHECK(status_of(request(http::verb::put, "/foo/bar").plan()) == 401);
    CHECK(status_of(request(http::verb::post, "/foo/bar").bearer("/pub/foo/bar").plan()) == 401);
    CHECK(status_of(request(http::verb::put, "/foo/bar").bearer("/foo/bar").plan()) == 501);
    CHECK(status_of(request(http::verb::head, "/foo/bar").bearer("/foo/").plan()) == 501);
    CHECK(std::get<reply>(request(http::verb::options, "/foo/bar").bearer("/").plan())
              .response.body() == "Not Implemented\n");
    CHECK(published(request(http::verb::post, "/foo/bar").bearer("/foo/bar").plan()).topic ==
          "foo/bar");
    CHECK(published(request(http::verb::post, "/").bearer("/").plan()).topic.empty());
    CHECK(status_of(request(http::verb::get, "/foo/bar").bearer("/foo/bar").plan()) == 400);
    CHECK(subscribed(request(http::verb::get, "/unsafe/x").bearer("/unsafe/x").websocket().plan())
              .topic == "unsafe/x");
    CHECK(subscribed(request(http::verb::get, "/status/").bearer("/status/").websocket().plan())
              .recursive);
}

TEST_CASE("/ui and below plan the inspector, whatever the method, with no token") {
    const auto page = request(http::verb::get, "/ui/main.js?x=1").plan();
    REQUIRE(std::holds_alternative<ui_plan>(page));
    CHECK(std::get<ui_plan>(page).path == "/ui/main.js");
    CHECK(std::get<ui_plan>(request(http::verb::delete_, "/ui").plan()).path == "/ui");
    // The topic ui/x is still there, below /pub/ and /sub/.
    CHECK(published(request(http::verb::post, "/pub/ui/x").bearer("/pub/ui/x").plan()).topic ==
          "ui/x");
}

TEST_CASE("/metrics: GET and HEAD plan the page, noting the token; other methods get 405") {
    const auto anonymous = request(http::verb::get, "/metrics").plan();
    REQUIRE(std::holds_alternative<metrics_plan>(anonymous));
    CHECK_FALSE(std::get<metrics_plan>(anonymous).token_valid);
    const auto with_token = request(http::verb::head, "/metrics?x").bearer("/metrics").plan();
    REQUIRE(std::holds_alternative<metrics_plan>(with_token));
    CHECK(std::get<metrics_plan>(with_token).token_valid);
    CHECK_FALSE(
        std::get<metrics_plan>(request(http::verb::get, "/metrics").bearer("/pub/metrics").plan())
            .token_valid);

    const auto post = request(http::verb::post, "/metrics").bearer("/metrics").plan();
    CHECK(status_of(post) == 405);
    CHECK(std::get<reply>(post).response[http::field::allow] == "GET, HEAD");
    // Below /metrics: the root endpoint, as docs/PROTOCOL.md P4 says.
    CHECK(published(request(http::verb::post, "/metrics/x").bearer("/metrics/x").plan()).topic ==
          "metrics/x");
    CHECK(status_of(request(http::verb::post, "/metrics/x").plan()) == 401);
}

TEST_CASE("publishes for the counters: publish endpoints, and POST on the root endpoint") {
    const auto is_publish = [](http::verb method, std::string_view target) {
        const request r(method, target);
        return is_publish_request(r.head, routing::route(target));
    };
    CHECK(is_publish(http::verb::post, "/pub/x"));
    CHECK(is_publish(http::verb::get, "/pub/x"));  // answered 405: still a publish request
    CHECK(is_publish(http::verb::post, "/unsafe/pub/x"));
    CHECK(is_publish(http::verb::post, "/x"));
    CHECK_FALSE(is_publish(http::verb::get, "/x"));
    CHECK_FALSE(is_publish(http::verb::get, "/sub/x"));
    CHECK_FALSE(is_publish(http::verb::post, "/status"));
    CHECK_FALSE(is_publish(http::verb::post, "/metrics"));
    CHECK_FALSE(is_publish(http::verb::post, "/pub/%zz"));
}

TEST_CASE("Server-Sent Events: a GET asking for text/event-stream, with the same token rules") {
    request sse(http::verb::get, "/sub/a/b");
    sse.head.set(http::field::accept, "text/event-stream");
    CHECK(status_of(sse.plan()) == 401);
    const auto planned = sse.bearer("/sub/a/b").plan();
    const auto& plan = subscribed(planned);
    CHECK(plan.topic == "a/b");
    CHECK(plan.format == handoff::delivery_format::event_stream);
    CHECK(plan.since.empty());

    request recursive(http::verb::get, "/sub/a/");
    recursive.head.set(http::field::accept, "text/html, text/event-stream;q=0.9");
    CHECK(subscribed(recursive.bearer("/sub/a/").plan()).recursive);

    // Without the Accept it is a websocket handshake, which this is not.
    CHECK(status_of(request(http::verb::get, "/sub/a").bearer("/sub/a").plan()) == 400);
    request unsafe(http::verb::get, "/unsafe/sub/x");
    unsafe.head.set(http::field::accept, "text/event-stream");
    CHECK(status_of(unsafe.bearer("/unsafe/sub/x").plan()) == 400);  // D6 header first
}

TEST_CASE("a subscription's token may come as access_token when no Authorization is sent") {
    const std::string path = "/sub/t";
    request in_url(http::verb::get, path + "?access_token=" + token_for(path));
    in_url.websocket();
    CHECK(subscribed(in_url.plan()).topic == "t");
    request wrong(http::verb::get, "/sub/t?access_token=" + token_for("/sub/other"));
    CHECK(status_of(wrong.websocket().plan()) == 401);
    // A header, when sent, decides alone.
    request both(http::verb::get, path + "?access_token=" + token_for(path));
    both.websocket().head.set(http::field::authorization, "Bearer wrong");
    CHECK(status_of(both.plan()) == 401);
    // Never for a publish: publishers set headers.
    const std::string pub = "/pub/t";
    CHECK(status_of(request(http::verb::post, pub + "?access_token=" + token_for(pub)).plan()) ==
          401);
}

TEST_CASE("a redirect never echoes an access_token") {
    const auto moved = request(http::verb::get, "/sub?a=1&access_token=secret&b=2").plan();
    CHECK(status_of(moved) == 301);
    CHECK(std::get<reply>(moved).response[http::field::location] == "/sub/?a=1&b=2");
    const auto only = request(http::verb::get, "/unsafe/sub?access_token=secret").plan();
    CHECK(std::get<reply>(only).response[http::field::location] == "/unsafe/sub/");
}

TEST_CASE("format=json and the resume point, from since= or Last-Event-ID") {
    request json(http::verb::get, "/sub/t?format=json&since=all");
    json.head.set("Last-Event-ID", "ignored-when-since-is-given");
    const auto planned = json.bearer("/sub/t").websocket().plan();
    const auto& plan = subscribed(planned);
    CHECK(plan.format == handoff::delivery_format::json);
    CHECK(plan.since == "all");

    request resumed(http::verb::get, "/sub/t");
    resumed.head.set("Last-Event-ID", "00000000000000ab-3");
    CHECK(subscribed(resumed.bearer("/sub/t").websocket().plan()).since == "00000000000000ab-3");
    CHECK(
        subscribed(request(http::verb::get, "/sub/t").bearer("/sub/t").websocket().plan()).format ==
        handoff::delivery_format::original);
    CHECK(status_of(
              request(http::verb::get, "/sub/t?format=xml").bearer("/sub/t").websocket().plan()) ==
          400);
}
