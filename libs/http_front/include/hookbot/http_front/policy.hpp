#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

// How hookbot's HTTP front ends treat a client, whatever carries the bytes.
namespace hookbot::http_front {

// Sent before reading a publish body whose client waits for it (curl does
// for bodies over 1 KiB).
inline constexpr std::string_view continue_response = "HTTP/1.1 100 Continue\r\n\r\n";

[[nodiscard]] bool expects_continue(const boost::beast::http::request_header<>& head);

// The request is not HTTP as Beast parses it: answered 400 (or 413, 431 by
// the caller for the limits). A connection closed mid-request is not one.
[[nodiscard]] bool is_parse_error(const boost::beast::error_code& ec);

// Client connections fail in ordinary ways all the time (resets, timeouts,
// closes mid-request): those are worth no log line.
[[nodiscard]] bool is_routine_error(const boost::beast::error_code& ec);

// At most `max` bytes of `text`, with control and non-ASCII bytes shown as
// '?': what a client sent must not forge or break log lines. The value of
// every access_token parameter shows as "REDACTED": a token in a URL is never
// logged (docs/PROTOCOL.md, "Tokens in the URL").
[[nodiscard]] std::string printable(std::string_view text, std::size_t max = 80);

// The client's address, nullopt once the connection is gone.
[[nodiscard]] std::optional<boost::asio::ip::address> peer_address(
    const boost::asio::ip::tcp::socket& socket);
// "ADDRESS:PORT" for a log line, "?" once the connection is gone.
[[nodiscard]] std::string describe_peer(const boost::asio::ip::tcp::socket& socket);

}  // namespace hookbot::http_front
