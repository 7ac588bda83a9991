#include "control/handed_connection.hpp"

#include <doctest/doctest.h>
#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <string>

namespace {

using namespace hookbot::fanout;
namespace http = boost::beast::http;

}  // namespace

TEST_CASE("a serialised upgrade head parses back") {
    boost::system::error_code ec;
    const auto request = parse_request_head(
        "GET /sub/foo/ HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Version: 13\r\n\r\n",
        ec);
    REQUIRE(request.has_value());
    CHECK_FALSE(ec);
    CHECK(request->method() == http::verb::get);
    CHECK(request->target() == "/sub/foo/");
    CHECK((*request)[http::field::sec_websocket_key] == "dGhlIHNhbXBsZSBub25jZQ==");
}

TEST_CASE("a head longer than Beast's default limit parses (8 KiB topics, docs/PROTOCOL.md D3)") {
    boost::system::error_code ec;
    const std::string target = "/sub/" + std::string(16 * 1024, 't');
    const auto request = parse_request_head(
        "GET " + target +
            " HTTP/1.1\r\nHost: example.com\r\nUpgrade: websocket\r\n"
            "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n",
        ec);
    REQUIRE(request.has_value());
    CHECK(request->target() == target);
}

TEST_CASE("a truncated or broken head is refused") {
    boost::system::error_code ec;
    CHECK_FALSE(parse_request_head("GET / HTTP/1.1\r\nHost: x\r\n", ec).has_value());
    CHECK(ec);
    CHECK_FALSE(parse_request_head("", ec).has_value());
    CHECK_FALSE(parse_request_head("NOT HTTP\r\n\r\n", ec).has_value());
    CHECK(ec);
}

TEST_CASE("a Unix socket is not adopted as TCP, and is closed") {
    int pair[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0);
    const hookbot::posix::unique_fd keep(pair[1]);
    boost::asio::io_context ioc;
    boost::system::error_code ec;
    CHECK_FALSE(adopt_tcp_socket(ioc, hookbot::posix::unique_fd(pair[0]), ec).has_value());
    CHECK(ec == boost::asio::error::address_family_not_supported);
    char byte = 0;
    CHECK(::recv(pair[1], &byte, 1, 0) == 0);  // the peer sees EOF: the fd was closed
}
