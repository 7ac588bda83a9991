#include "publish/github_envelope.hpp"

#include <doctest/doctest.h>

#include <boost/beast/http/fields.hpp>

using hookbot::acceptor::github_envelope;
namespace http = boost::beast::http;

TEST_CASE("the envelope of a known delivery, keys in order, compact (X1, D4.3)") {
    http::fields headers;
    headers.set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    headers.set("X-GitHub-Event", "push");
    headers.set("X-Hub-Signature", "sha1=old");
    headers.set("X-Hub-Signature-256", "sha256=new");
    CHECK(github_envelope(headers, R"({"a":1})") ==
          R"({"Delivery":"72d3162e-cc78-11e3-81ab-4c9367dc0958","Event":"push",)"
          R"("Payload":"eyJhIjoxfQ==","Signature":"sha256=new"})");
}

TEST_CASE("X-Hub-Signature when X-Hub-Signature-256 is absent") {
    http::fields headers;
    headers.set("x-hub-signature", "sha1=old");
    CHECK(github_envelope(headers, "") ==
          R"({"Delivery":"","Event":"","Payload":"","Signature":"sha1=old"})");
}

TEST_CASE("missing headers give empty strings; any body bytes survive base64") {
    const http::fields headers;
    CHECK(github_envelope(headers, std::string_view("\0\xff<&>", 5)) ==
          R"({"Delivery":"","Event":"","Payload":"AP88Jj4=","Signature":""})");
}

TEST_CASE("header text is JSON-escaped; bytes that are not UTF-8 become U+FFFD") {
    http::fields headers;
    headers.set("X-GitHub-Event", "a\"b\\c");
    headers.set("X-GitHub-Delivery", "x\xff");
    CHECK(github_envelope(headers, "") ==
          "{\"Delivery\":\"x\xef\xbf\xbd\",\"Event\":\"a\\\"b\\\\c\",\"Payload\":\"\","
          "\"Signature\":\"\"}");
}
