#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "hookbot/limits/client_limits.hpp"

namespace hookbot::acceptor {

// What one client connection may cost the acceptor, and what the acceptor as
// a whole takes on. The options, their defaults and ranges are
// hookbot/limits' (`hookbot serve` takes the same and passes them on).
struct session_limits {
    // Request line plus header fields (larger: 431, or 414 when the request
    // line alone is over max_url_bytes). Room for a URL of max_url_bytes with
    // credentials and the usual headers.
    std::uint32_t max_header_bytes = limits::max_header_bytes.default_value;
    // Header fields in one request (more: 431).
    std::size_t max_header_fields = limits::max_header_fields.default_value;
    // The request target, path and query (longer: 414); docs/PROTOCOL.md D3
    // tests 8 KiB topics.
    std::size_t max_url_bytes = limits::max_url_bytes.default_value;
    // Largest publish body; main.cpp caps it at the bus's largest record.
    std::uint64_t max_body_bytes = 25u << 20;
    // A request head must be complete this long after it was awaited (after
    // accept, or after the first byte of a keep-alive connection's next
    // request); else 408. Also bounds the write of each answer.
    std::chrono::milliseconds header_timeout = limits::default_milliseconds(limits::header_timeout);
    // A publish body must be complete this long after its head (a whole-body
    // deadline: a client trickling a byte a second cannot keep it open); else 408.
    std::chrono::milliseconds body_timeout = limits::default_milliseconds(limits::body_timeout);
    // How long a keep-alive connection may wait for its next request.
    std::chrono::milliseconds idle_timeout = limits::default_milliseconds(limits::idle_timeout);
    // A rejected request's body up to this size is read and dropped so that
    // the connection can stay open; a larger one closes the connection.
    std::uint64_t discard_body_bytes = 64 * 1024;
    // Client connections open at once; one more is answered 503 and closed.
    std::size_t max_connections = limits::max_connections.default_value;
};

}  // namespace hookbot::acceptor
