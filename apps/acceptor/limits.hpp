#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace hookbot::acceptor {

// What one client connection may cost the acceptor, and what the acceptor as
// a whole takes on. Each has a command-line option (options.cpp) with this
// default; `hookbot serve` passes them on (apps/hookbot/limit_options.cpp).
struct session_limits {
    // Request line plus header fields (larger: 431, or 414 when the request
    // line alone is over max_url_bytes). Room for a URL of max_url_bytes with
    // credentials and the usual headers.
    std::uint32_t max_header_bytes = 32 * 1024;
    // Header fields in one request (more: 431).
    std::size_t max_header_fields = 100;
    // The request target, path and query (longer: 414). 16 KiB is the bus's
    // longest topic (shm_ring::layout::max_topic_bytes), and a topic is never
    // longer than the path it comes from; PROTOCOL.md D3 tests 8 KiB topics.
    std::size_t max_url_bytes = 16 * 1024;
    // Largest publish body; main.cpp caps it at the bus's largest record.
    std::uint64_t max_body_bytes = 25u << 20;
    // A request head must be complete this long after it was awaited (after
    // accept, or after the first byte of a keep-alive connection's next
    // request); else 408. Also bounds the write of each answer.
    std::chrono::milliseconds header_timeout{std::chrono::seconds(30)};
    // A publish body must be complete this long after its head (a whole-body
    // deadline: a client trickling a byte a second cannot keep it open); else 408.
    std::chrono::milliseconds body_timeout{std::chrono::seconds(60)};
    // How long a keep-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
    // A rejected request's body up to this size is read and dropped so that
    // the connection can stay open; a larger one closes the connection.
    std::uint64_t discard_body_bytes = 64 * 1024;
    // Client connections open at once; one more is answered 503 and closed.
    std::size_t max_connections = 10000;
};

}  // namespace hookbot::acceptor
