#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <string>

#include "hookbot/client/connection.hpp"
#include "hookbot/client/http_exchange.hpp"
#include "hookbot/client/server_url.hpp"

namespace hookbot::client {

// POSTs `body` (as application/json) to `target` on `server` over a new
// connection, with `headers`, and reads the answer (http_exchange).
net::awaitable<http_answer> http_post(const server_url& server, const std::string& target,
                                      const header_list& headers, std::string body,
                                      net::ssl::context& tls, std::chrono::seconds timeout);

}  // namespace hookbot::client
