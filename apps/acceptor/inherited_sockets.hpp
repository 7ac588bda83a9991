#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "hookbot/posix/unique_fd.hpp"

// The listening sockets the supervisor binds, keeps and passes down by
// number. Each is checked to be what its option says before it is used, so a
// wrong number fails at start-up with a clear message rather than later.
namespace hookbot::acceptor {

// A listening TCP socket (IPv4 or IPv6). Throws std::system_error or
// std::runtime_error naming the descriptor.
boost::asio::ip::tcp::acceptor adopt_tcp_listener(boost::asio::io_context& ioc, int fd);

// A listening SOCK_SEQPACKET Unix socket, made non-blocking.
posix::unique_fd adopt_control_listener(int fd);

}  // namespace hookbot::acceptor
