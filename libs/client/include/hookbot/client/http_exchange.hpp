#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <functional>
#include <string>

#include "hookbot/client/connection.hpp"
#include "hookbot/client/server_url.hpp"

namespace hookbot::client {

struct http_answer {
    boost::system::error_code error;  // set when no answer came (then status is 0)
    unsigned status = 0;
    std::string body;  // at most 64 KiB of it, for logs; empty when it was longer
};

// Sends `request` as it is to `server` (its host and port; TLS with `tls`
// when secure) over a new connection, and reads the answer; the whole
// exchange — connect, TLS handshake, write, read — is bounded by `timeout`.
// An answer whose body is over 64 KiB still counts: its status is kept, its
// body dropped. While it runs, `*abort` (when given) holds a function that
// cuts it short (the answer's error is then operation_aborted); it is
// emptied again before the exchange returns.
net::awaitable<http_answer> http_exchange(
    const server_url& server, boost::beast::http::request<boost::beast::http::string_body> request,
    net::ssl::context& tls, std::chrono::milliseconds timeout,
    std::function<void()>* abort = nullptr);

}  // namespace hookbot::client
