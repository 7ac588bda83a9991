#pragma once

#include <chrono>
#include <cstdint>

namespace hookbot::acceptor {

// What one client connection may cost the acceptor. Each has a command-line
// option (see main.cpp); the defaults are documented there.
struct session_limits {
    // Request line plus header fields. 16 KiB leaves room for the 8 KiB topics
    // PROTOCOL.md D3 tests, with credentials and the usual headers.
    std::uint32_t max_header_bytes = 16 * 1024;
    // Largest publish body; main.cpp caps it at the bus's largest body.
    std::uint64_t max_body_bytes = 25u << 20;
    // A request head must arrive within this time, and a body must not pause
    // longer than this between two reads.
    std::chrono::milliseconds read_timeout{std::chrono::seconds(30)};
    // How long a keep-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
    // A rejected request's body up to this size is read and dropped so that
    // the connection can stay open; a larger one closes the connection.
    std::uint64_t discard_body_bytes = 64 * 1024;
};

}  // namespace hookbot::acceptor
