#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <optional>
#include <string_view>

// docs/PROTOCOL.md D5.1: whether an authorised request is a websocket handshake a
// fanout worker can complete. The acceptor answers the failures itself, before
// a worker sees the connection, in the order of the original's websocket
// library (gorilla/websocket), so each bad request gets the same status.
namespace hookbot::acceptor {

namespace http = boost::beast::http;

// nullopt when the handshake is acceptable, otherwise the status to refuse it
// with (see responses::websocket_refused):
//   400  not an upgrade (Connection lacks "upgrade", Upgrade lacks
//        "websocket", or not HTTP/1.1)
//   405  an upgrade with a method other than GET
//   400  Sec-WebSocket-Version does not list 13
//   403  an Origin whose host[:port] is not the Host header (P10)
//   400  a Sec-WebSocket-Key that is not 16 bytes in base64, or no Host
std::optional<http::status> check_websocket_handshake(const http::request_header<>& head);

// P10: the host[:port] of the Origin URL equals `host`, ignoring ASCII case.
// An Origin without a "scheme://" authority (such as "null") never matches.
bool same_origin(std::string_view origin, std::string_view host);

// Sec-WebSocket-Key: the base64 of exactly 16 bytes (24 characters, "==").
bool valid_websocket_key(std::string_view key);

}  // namespace hookbot::acceptor
