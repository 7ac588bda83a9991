#include "http/responses.hpp"

#include <doctest/doctest.h>

namespace responses = hookbot::acceptor::responses;
namespace http = boost::beast::http;

namespace {

std::string wire(responses::response res, bool keep_alive = true, unsigned version = 11) {
    responses::finish(res, version, keep_alive);
    return responses::serialise(res);
}

}  // namespace

TEST_CASE("200 OK for a publish and /status (P1, P8, D4.2)") {
    CHECK(wire(responses::ok()) ==
          "HTTP/1.1 200 OK\r\n"
          "Server: hookbot\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Content-Length: 3\r\n"
          "\r\n"
          "OK\n");
}

TEST_CASE("the pre-built 200 of a keep-alive publish is ok()'s bytes") {
    CHECK(responses::ok_keep_alive_bytes() == wire(responses::ok()));
    CHECK(responses::ok_keep_alive_bytes().ends_with("\r\n\r\nOK\n"));
}

TEST_CASE("a committed publish carries its id; the pre-built bytes are published()'s") {
    std::string bytes;
    responses::published_keep_alive_bytes("00000000000000ab-9", bytes);
    CHECK(bytes == wire(responses::published("00000000000000ab-9")));
    CHECK(bytes ==
          "HTTP/1.1 200 OK\r\n"
          "Server: hookbot\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "Hookbot-Id: 00000000000000ab-9\r\n"
          "Content-Length: 3\r\n"
          "\r\n"
          "OK\n");
}

TEST_CASE("401 carries the realm, text type and nosniff (D2.4)") {
    CHECK(wire(responses::unauthorized()) ==
          "HTTP/1.1 401 Unauthorized\r\n"
          "Server: hookbot\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "X-Content-Type-Options: nosniff\r\n"
          "WWW-Authenticate: Basic realm=\"hookbot\"\r\n"
          "Content-Length: 17\r\n"
          "\r\n"
          "401 Unauthorized\n");
}

TEST_CASE("a malformed target closes the connection (D1.1)") {
    const std::string bytes = wire(responses::malformed_request(), false);
    CHECK(bytes.starts_with("HTTP/1.1 400 Bad Request\r\n"));
    CHECK(bytes.find("Connection: close\r\n") != std::string::npos);
    CHECK(bytes.ends_with("\r\n\r\n400 Bad Request\n"));
}

TEST_CASE("301 names the new place; GET gets Go's small HTML body (D1.2, D1.4)") {
    const auto get = responses::moved_permanently("/pub/t?a=1&b", http::verb::get);
    CHECK(get.result() == http::status::moved_permanently);
    CHECK(get[http::field::location] == "/pub/t?a=1&b");
    CHECK(get.body() == "<a href=\"/pub/t?a=1&amp;b\">Moved Permanently</a>.\n\n");
    const auto post = responses::moved_permanently("/sub/", http::verb::post);
    CHECK(post[http::field::location] == "/sub/");
    CHECK(post.body().empty());
    CHECK(wire(post).find("Content-Length: 0\r\n") != std::string::npos);
}

TEST_CASE("405 on a publish path lists POST and PUT (D4.1)") {
    const auto res = responses::publish_method_not_allowed();
    CHECK(res.result() == http::status::method_not_allowed);
    CHECK(res[http::field::allow] == "POST, PUT");
    CHECK(res.body() == "Method Not Allowed\n");
}

TEST_CASE("publish failures (X2, D4.2)") {
    CHECK(responses::bad_extra_metadata().body() == "400 Bad Request (bad ?extra-metadata=)\n");
    const auto unavailable = responses::publish_unavailable();
    CHECK(unavailable.result() == http::status::service_unavailable);
    CHECK(unavailable.body() == "Timeout in send\n");
    CHECK(unavailable[http::field::retry_after] == "1");
    CHECK(responses::payload_too_large().result() == http::status::payload_too_large);
}

TEST_CASE("root endpoint and unsafe subscription refusals (D5.4, D6)") {
    const auto not_implemented = responses::not_implemented();
    CHECK(not_implemented.result() == http::status::not_implemented);
    CHECK(not_implemented.body() == "Not Implemented\n");
    const auto unsafe = responses::unsafe_header_required();
    CHECK(unsafe.result() == http::status::bad_request);
    CHECK(unsafe.body() == "400 Bad Request. X-Hookbot-Unsafe-Is-Ok header required.\n");
}

TEST_CASE("websocket refusals carry Sec-WebSocket-Version: 13 (D5.1)") {
    CHECK(wire(responses::websocket_refused(http::status::forbidden)) ==
          "HTTP/1.1 403 Forbidden\r\n"
          "Server: hookbot\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "X-Content-Type-Options: nosniff\r\n"
          "Sec-WebSocket-Version: 13\r\n"
          "Content-Length: 10\r\n"
          "\r\n"
          "Forbidden\n");
    CHECK(responses::websocket_refused(http::status::bad_request).body() == "Bad Request\n");
    CHECK(responses::websocket_refused(http::status::method_not_allowed).body() ==
          "Method Not Allowed\n");
}

TEST_CASE("no worker: 503 with Retry-After") {
    const auto res = responses::no_worker_available();
    CHECK(res.result() == http::status::service_unavailable);
    CHECK(res[http::field::retry_after] == "1");
}

TEST_CASE("HTTP/1.0 keep-alive is spelled out; HTTP/1.1 close too") {
    CHECK(wire(responses::ok(), true, 10).find("Connection: keep-alive\r\n") != std::string::npos);
    CHECK(wire(responses::ok(), false, 11).find("Connection: close\r\n") != std::string::npos);
    CHECK(wire(responses::ok(), true, 11).find("Connection:") == std::string::npos);
}

TEST_CASE("limits against hostile clients: 408, 414, 431 and 503 close with a clear body") {
    CHECK(wire(responses::request_timeout(), false) ==
          "HTTP/1.1 408 Request Timeout\r\n"
          "Server: hookbot\r\n"
          "Content-Type: text/plain; charset=utf-8\r\n"
          "X-Content-Type-Options: nosniff\r\n"
          "Connection: close\r\n"
          "Content-Length: 20\r\n"
          "\r\n"
          "408 Request Timeout\n");
    CHECK(responses::uri_too_long().result() == http::status::uri_too_long);
    CHECK(responses::uri_too_long().body() == "414 URI Too Long\n");
    CHECK(responses::header_fields_too_large().result() ==
          http::status::request_header_fields_too_large);
    const auto busy = responses::too_many_connections();
    CHECK(busy.result() == http::status::service_unavailable);
    CHECK(busy[http::field::retry_after] == "1");
    CHECK(busy.body() == "503 Too Many Connections\n");
    CHECK(responses::unsupported_version().body() ==
          "400 Bad Request (HTTP/1.0 and HTTP/1.1 only)\n");
}
