#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

#include "hookbot/limits/limit.hpp"

// What one client connection may cost: `hookbot serve` takes these and
// passes them on; the acceptor (plain HTTP) and the workers (built-in TLS,
// subscribers) take the same options with the same defaults, since either
// may be started on its own. docs/OPERATIONS.md lists them.
namespace hookbot::limits {

inline constexpr std::size_t unbounded = std::numeric_limits<std::size_t>::max();

// The hand-off to a worker carries the request head, so it must fit in one
// control message (hookbot/handoff/message.hpp): hence the 64 KiB ceiling.
inline constexpr limit<std::uint32_t> max_header_bytes{
    "max-header-bytes", 32 * 1024, 1024, 64 * 1024,
    "largest request line plus header fields, at most 65536 (larger: 431)"};

inline constexpr limit<std::size_t> max_header_fields{
    "max-header-fields", 100, 1, unbounded, "most header fields in one request (more: 431)"};

// 16 KiB is the bus's longest topic (shm_ring::layout::max_topic_bytes), and a
// topic is never longer than the path it comes from.
inline constexpr limit<std::size_t> max_url_bytes{
    "max-url-bytes", 16 * 1024, 1, unbounded,
    "longest request target, path and query (longer: 414)"};

inline constexpr seconds_limit header_timeout{
    "header-timeout", 30, 0.001, 86400,
    "seconds for a whole request head to arrive (else 408); also bounds each answer's write"};

// A whole-body deadline: a client trickling a byte a second cannot keep a
// connection open.
inline constexpr seconds_limit body_timeout{
    "body-timeout", 60, 0.001, 86400,
    "seconds for a whole publish body to arrive after its head (else 408)"};

inline constexpr seconds_limit idle_timeout{
    "idle-timeout", 120, 0.001, 86400,
    "seconds a keep-alive connection may wait for its next request"};

inline constexpr limit<std::size_t> max_connections{
    "max-connections", 10000, 1, unbounded,
    "HTTP connections the acceptor keeps open at once (more: 503 with Retry-After); with "
    "built-in TLS, connections each worker holds before they subscribe (more: closed at once)"};

inline constexpr limit<std::uint32_t> max_subscribers{
    "max-subscribers", 100000, 1, std::numeric_limits<std::uint32_t>::max(),
    "subscribers per fanout worker; with every worker full: 503 with Retry-After"};

// A subscriber's liveness, watched by its worker.
inline constexpr seconds_limit write_timeout{
    "write-timeout", 90, 0.001, 86400,
    "seconds one write to a subscriber may take before it is closed (it stopped reading)"};

inline constexpr seconds_limit ping_interval{
    "ping-interval", 30, 0.001, 86400,
    "seconds of silence from a subscriber before its worker pings it"};

inline constexpr seconds_limit ping_timeout{
    "ping-timeout", 40, 0.001, 86400,
    "seconds of silence from a subscriber before its worker closes it (more than "
    "--ping-interval)"};

inline constexpr limit<std::size_t> max_client_message{
    "max-client-message", 64 * 1024, 1, unbounded,
    "largest websocket message a subscriber may send, in bytes (larger: close 1009)"};

}  // namespace hookbot::limits
