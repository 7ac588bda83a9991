#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string_view>

#include "hookbot/posix/unique_fd.hpp"
#include "transport/upgrade_request.hpp"

// A subscriber connection as the acceptor hands it over: a connected TCP fd
// whose upgrade request it has already read, plus that request's head.
namespace hookbot::fanout {

// Adopts `fd` as an Asio TCP socket, with the protocol (v4/v6) its local
// address says. Sets TCP_NODELAY: messages are small and latency matters.
// On failure `ec` says why and the fd is closed.
std::optional<boost::asio::ip::tcp::socket> adopt_tcp_socket(boost::asio::io_context& ioc,
                                                             posix::unique_fd fd,
                                                             boost::system::error_code& ec);

// Parses a serialised request head ending in CRLF CRLF.
std::optional<upgrade_request> parse_request_head(std::string_view head,
                                                  boost::system::error_code& ec);

}  // namespace hookbot::fanout
