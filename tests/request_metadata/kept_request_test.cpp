// The JSON of the request a publish keeps (docs/PROTOCOL.md X3).
#include "hookbot/request_metadata/kept_request.hpp"

#include <doctest/doctest.h>

using hookbot::request_metadata::kept_request;
using hookbot::request_metadata::to_json;

TEST_CASE("X3: method, query, then the headers in the order they came, compact") {
    kept_request request{"POST", "a=1", {}};
    request.add_header("Content-Type", "application/json");
    request.add_header("X-GitHub-Event", "push");
    CHECK(to_json(request) ==
          R"({"method":"POST","query":"a=1","headers":{"Content-Type":"application/json",)"
          R"("X-GitHub-Event":"push"}})");
    CHECK(to_json(kept_request{"PUT", "", {}}) == R"({"method":"PUT","query":"","headers":{}})");
}

TEST_CASE("X3: a repeated header joins the first, whatever its case") {
    kept_request request{"POST", "", {}};
    request.add_header("X-Gitlab-Event", "a");
    request.add_header("x-gitlab-event", "b");
    REQUIRE(request.headers.size() == 1);
    CHECK(request.headers[0].first == "X-Gitlab-Event");
    CHECK(request.headers[0].second == "a, b");
}

TEST_CASE("X3: values are JSON-escaped, and bytes that are not UTF-8 become U+FFFD") {
    kept_request request{"POST", "q=\"", {}};
    request.add_header("User-Agent", "a\"b\\c");
    request.add_header("X-Hub-Signature", "\xff");
    CHECK(to_json(request) ==
          "{\"method\":\"POST\",\"query\":\"q=\\\"\",\"headers\":{\"User-Agent\":"
          "\"a\\\"b\\\\c\",\"X-Hub-Signature\":\"\xef\xbf\xbd\"}}");
}
