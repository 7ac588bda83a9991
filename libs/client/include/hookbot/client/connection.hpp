#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "hookbot/client/server_url.hpp"

// What every client connection starts with: TCP (bounded in time), then TLS
// for https/wss, checking the server's certificate and name.
namespace hookbot::client {

namespace net = boost::asio;
namespace beast = boost::beast;

// Extra request header fields, in order: --header "Name: value".
using header_list = std::vector<std::pair<std::string, std::string>>;

// The context of every TLS client connection: the system's trusted CAs (or
// those named by $SSL_CERT_FILE / $SSL_CERT_DIR, as OpenSSL reads them), peer
// verification on, TLS 1.2 at least.
net::ssl::context make_tls_client_context();

// Resolves and connects `stream` to url's host and port within `timeout`.
net::awaitable<boost::system::error_code> connect(beast::tcp_stream& stream, const server_url& url,
                                                  std::chrono::milliseconds timeout);

// Sends SNI, checks the certificate names url's host, and handshakes.
net::awaitable<boost::system::error_code> tls_handshake(net::ssl::stream<beast::tcp_stream>& stream,
                                                        const server_url& url,
                                                        std::chrono::milliseconds timeout);

}  // namespace hookbot::client
