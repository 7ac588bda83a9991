#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::serve {

// A --bind value as the original accepts it: ":8080" (all addresses),
// "127.0.0.1:8080", "[::1]:8080", "localhost:8080".
struct listen_address {
    std::string host;  // empty: every address
    std::uint16_t port = 0;
};

// Throws std::invalid_argument with the offending text.
listen_address parse_listen_address(std::string_view text);

// A listening, non-blocking, close-on-exec TCP socket. Throws
// std::system_error naming the address.
posix::unique_fd bind_tcp_listener(const listen_address& address, int backlog);

// The port the kernel chose when the address asked for port 0.
std::uint16_t bound_port(int socket_fd);

}  // namespace hookbot::serve
