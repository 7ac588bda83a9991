#include "ui/inspector_answer.hpp"

#include <doctest/doctest.h>

#include "ui/entity_tag.hpp"
#include "ui/inspector_files.hpp"

using namespace hookbot::acceptor;
using ui::answer_inspector;

namespace {

http::request_header<> head_of(http::verb method, std::string_view if_none_match = {}) {
    http::request_header<> head;
    head.method(method);
    head.version(11);
    if (!if_none_match.empty()) head.set(http::field::if_none_match, if_none_match);
    return head;
}

responses::response get(std::string path) {
    return answer_inspector(ui_plan{std::move(path)}, head_of(http::verb::get));
}

std::string tag_of(std::string_view name) {
    const auto* file = ui::find_inspector_file(name);
    REQUIRE(file != nullptr);
    return ui::entity_tag(file->sha256);
}

// What every file, and its 304, carries.
void check_page_fields(const responses::response& res) {
    CHECK(res["Content-Security-Policy"] == ui::inspector_content_security_policy);
    CHECK(res["X-Content-Type-Options"] == "nosniff");
    CHECK(res["Referrer-Policy"] == "no-referrer");
    CHECK(res["X-Frame-Options"] == "DENY");
    CHECK(res[http::field::cache_control] == "no-cache");
    CHECK(res[http::field::etag].starts_with("\""));
}

}  // namespace

TEST_CASE("/ui/ is the page itself, as HTML with its safety and caching fields") {
    const auto page = get("/ui/");
    CHECK(page.result() == http::status::ok);
    CHECK(page[http::field::content_type] == "text/html; charset=utf-8");
    CHECK(page.body().starts_with("<!doctype html>"));
    CHECK(page[http::field::etag] == tag_of("index.html"));
    check_page_fields(page);
    CHECK(get("/ui/index.html").body() == page.body());
}

TEST_CASE("every embedded file is served with the content type of its extension") {
    CHECK_FALSE(ui::inspector_files().empty());
    for (const auto& file : ui::inspector_files()) {
        CAPTURE(file.name);
        const auto res = get("/ui/" + std::string(file.name));
        CHECK(res.result() == http::status::ok);
        CHECK(res.body().size() == file.bytes.size());
        CHECK(res[http::field::content_type] == ui::content_type_of(file.name));
        CHECK(res[http::field::content_type] != "application/octet-stream");
        check_page_fields(res);
    }
    CHECK(get("/ui/main.js")[http::field::content_type] == "text/javascript; charset=utf-8");
    CHECK(get("/ui/inspector.css")[http::field::content_type] == "text/css; charset=utf-8");
}

TEST_CASE("a matching If-None-Match gets 304 with the tag and no body; another gets the file") {
    const std::string tag = tag_of("main.js");
    const auto fresh = answer_inspector(ui_plan{"/ui/main.js"}, head_of(http::verb::get, tag));
    CHECK(fresh.result() == http::status::not_modified);
    CHECK(fresh.body().empty());
    CHECK(fresh[http::field::etag] == tag);
    check_page_fields(fresh);
    auto finished = fresh;
    responses::finish(finished, 11, true);
    CHECK(responses::serialise(finished).find("Content-Length") == std::string::npos);

    const auto stale =
        answer_inspector(ui_plan{"/ui/main.js"}, head_of(http::verb::get, "\"old\""));
    CHECK(stale.result() == http::status::ok);
    CHECK_FALSE(stale.body().empty());
}

TEST_CASE("HEAD gets the GET's fields and length, without the body") {
    auto head = answer_inspector(ui_plan{"/ui/"}, head_of(http::verb::head));
    CHECK(head.result() == http::status::ok);
    const auto length = head.body().size();
    responses::finish(head, 11, true, true);
    CHECK(head[http::field::content_length] == std::to_string(length));
    CHECK(head.body().empty());
}

TEST_CASE("unknown files get 404, other methods 405, /ui a redirect to /ui/") {
    CHECK(get("/ui/nothing.js").result() == http::status::not_found);
    CHECK(get("/ui/static/main.js").result() == http::status::not_found);
    CHECK(get("/ui/nothing.js")["X-Content-Type-Options"] == "nosniff");
    const auto post = answer_inspector(ui_plan{"/ui/"}, head_of(http::verb::post));
    CHECK(post.result() == http::status::method_not_allowed);
    CHECK(post[http::field::allow] == "GET, HEAD");
    const auto bare = get("/ui");
    CHECK(bare.result() == http::status::moved_permanently);
    CHECK(bare[http::field::location] == "/ui/");
}
