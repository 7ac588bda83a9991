#pragma once

#include <chrono>
#include <cstdint>

namespace hookbot::fanout {

// Built-in TLS: what a client connection's HTTP may cost this worker before
// it is a subscriber; the acceptor's limits of the same names.
struct http_limits {
    std::uint32_t max_header_bytes = 32 * 1024;
    std::chrono::milliseconds header_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds body_timeout{std::chrono::seconds(60)};
    // Connections between their accept and their subscription or close. One
    // more is closed at once: each holds ~75 KiB (OpenSSL and Asio's TLS
    // stream), and a 503 would cost it a handshake first.
    std::uint32_t max_connections = 10000;
};

}  // namespace hookbot::fanout
