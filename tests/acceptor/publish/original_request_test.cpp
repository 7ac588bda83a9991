// What `?extra-metadata=request` keeps of a publish (docs/PROTOCOL.md X3).
#include "publish/original_request.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace hookbot::acceptor;
namespace http = boost::beast::http;

namespace {

http::request_header<> github_push() {
    http::request_header<> head;
    head.method(http::verb::post);
    head.target("/pub/x?extra-metadata=request&ref=main");
    head.set(http::field::host, "hooks.example");
    head.set(http::field::user_agent, "GitHub-Hookshot/abc");
    head.set(http::field::content_type, "application/json");
    head.set(http::field::content_length, "2");
    head.set(http::field::authorization, "Bearer secret");
    head.set(http::field::cookie, "session=1");
    head.set(http::field::connection, "keep-alive");
    head.set("X-GitHub-Event", "push");
    head.set("X-GitHub-Delivery", "72d3162e");
    head.set("X-Hub-Signature-256", "sha256=00ff");
    return head;
}

}  // namespace

TEST_CASE("X3: method, the query less extra-metadata, and the allow-listed headers") {
    const auto kept = keep_original_request(github_push(), "extra-metadata=request&ref=main");
    REQUIRE(std::holds_alternative<std::string>(kept));
    CHECK(std::get<std::string>(kept) ==
          R"({"method":"POST","query":"ref=main","headers":{"User-Agent":"GitHub-Hookshot/abc",)"
          R"("Content-Type":"application/json","X-GitHub-Event":"push",)"
          R"("X-GitHub-Delivery":"72d3162e","X-Hub-Signature-256":"sha256=00ff"}})");
}

TEST_CASE("X3: more kept headers than the bound, or more bytes, is a 431") {
    auto many = github_push();
    for (int i = 0; i < 64; ++i) many.insert("X-GitHub-Extra-" + std::to_string(i), "v");
    const auto refused = keep_original_request(many, "");
    REQUIRE(std::holds_alternative<responses::response>(refused));
    CHECK(std::get<responses::response>(refused).result() ==
          http::status::request_header_fields_too_large);

    auto large = github_push();
    large.set("X-GitHub-Big", std::string(17 * 1024, 'a'));
    CHECK(std::holds_alternative<responses::response>(keep_original_request(large, "")));
    auto just_under = github_push();
    just_under.set("X-GitHub-Big", std::string(15 * 1024, 'a'));
    CHECK(std::holds_alternative<std::string>(keep_original_request(just_under, "")));
}
