// The request `--forward` sends for one message (docs/OPERATIONS.md,
// "Forwarding"; docs/PROTOCOL.md X3).
#include "listen/forward_request.hpp"

#include <doctest/doctest.h>

using namespace hookbot;
using namespace hookbot::listen;
namespace http = boost::beast::http;

namespace {

const forward_target target = *parse_forward_target("http://localhost:3000/hook?app=1");

}  // namespace

TEST_CASE("forward: a kept request is replayed with its method, headers and query") {
    client::watch_message message{"e-1", "t", std::string("{\"a\":1}\0", 8)};
    message.request = client::original_request{"PUT",
                                               "ref=main",
                                               {{"Content-Type", "application/json"},
                                                {"X-GitHub-Event", "push"},
                                                {"X-Hub-Signature-256", "sha256=ab"}}};
    const auto request = make_forward_request(target, message);
    CHECK(request.method() == http::verb::put);
    CHECK(request.target() == "/hook?app=1&ref=main");
    CHECK(request[http::field::host] == "localhost:3000");
    CHECK(request[http::field::content_type] == "application/json");
    CHECK(request["X-GitHub-Event"] == "push");
    CHECK(request["X-Hub-Signature-256"] == "sha256=ab");
    CHECK(request["Hookbot-Id"] == "e-1");
    CHECK(request[http::field::content_length] == "8");
    CHECK(request.body() == message.body);
}

TEST_CASE("forward: a message without a kept request is a POST of its body") {
    const client::watch_message message{"e-2", "t", "raw"};
    const auto request = make_forward_request(target, message);
    CHECK(request.method() == http::verb::post);
    CHECK(request.target() == "/hook?app=1");
    CHECK(request.body() == "raw");
    CHECK(request.find(http::field::content_type) == request.end());
    const client::watch_message without_id{std::nullopt, "t", ""};
    const auto bare = make_forward_request(target, without_id);
    CHECK(bare.find("Hookbot-Id") == bare.end());
    CHECK(bare[http::field::content_length] == "0");
}

TEST_CASE("forward: hop, credential and forged fields are never copied") {
    client::watch_message message{"e-3", "t", "x"};
    message.request = client::original_request{"POST",
                                               "",
                                               {{"Host", "evil.test"},
                                                {"Content-Length", "99"},
                                                {"Transfer-Encoding", "chunked"},
                                                {"Connection", "close"},
                                                {"Authorization", "Bearer t"},
                                                {"Cookie", "c=1"},
                                                {"Hookbot-Id", "forged"},
                                                {"X-Ok", "a\r\nX-Forged: 1"},
                                                {"Bad Name", "v"},
                                                {"X-Kept", "yes"}}};
    const auto request = make_forward_request(target, message);
    CHECK(request[http::field::host] == "localhost:3000");
    CHECK(request[http::field::content_length] == "1");
    CHECK(request.find(http::field::transfer_encoding) == request.end());
    CHECK(request.find(http::field::connection) == request.end());
    CHECK(request.find(http::field::authorization) == request.end());
    CHECK(request.find(http::field::cookie) == request.end());
    CHECK(request["Hookbot-Id"] == "e-3");
    CHECK(request.find("X-Ok") == request.end());
    CHECK(request.find("Bad Name") == request.end());
    CHECK(request["X-Kept"] == "yes");
}
