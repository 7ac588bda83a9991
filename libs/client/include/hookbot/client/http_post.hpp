#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <string>

#include "hookbot/client/connection.hpp"
#include "hookbot/client/server_url.hpp"

namespace hookbot::client {

struct http_answer {
    boost::system::error_code error;  // set when no answer came (then status is 0)
    unsigned status = 0;
    std::string body;  // at most 64 KiB of it, for logs
};

// POSTs `body` to `target` on `server` (its host and port; TLS when secure)
// over a new connection, with `headers`, and reads the answer; the whole
// exchange is bounded by `timeout`. `tls` is used for https.
net::awaitable<http_answer> http_post(const server_url& server, const std::string& target,
                                      const header_list& headers, std::string body,
                                      net::ssl::context& tls, std::chrono::seconds timeout);

}  // namespace hookbot::client
