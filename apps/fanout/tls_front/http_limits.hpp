#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "hookbot/limits/client_limits.hpp"

namespace hookbot::fanout {

// Built-in TLS: what a client connection's HTTP may cost this worker before
// it is a subscriber; the acceptor's limits of the same names.
struct http_limits {
    std::uint32_t max_header_bytes = limits::max_header_bytes.default_value;
    std::chrono::milliseconds header_timeout = limits::default_milliseconds(limits::header_timeout);
    std::chrono::milliseconds body_timeout = limits::default_milliseconds(limits::body_timeout);
    // How long a keep-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout = limits::default_milliseconds(limits::idle_timeout);
    // Connections between their accept and their subscription or close. One
    // more is closed at once: each holds ~75 KiB (OpenSSL and Asio's TLS
    // stream), and a 503 would cost it a handshake first.
    std::size_t max_connections = limits::max_connections.default_value;
};

}  // namespace hookbot::fanout
