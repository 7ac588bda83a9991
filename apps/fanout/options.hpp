#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "subscriber_queue.hpp"

namespace hookbot::fanout {

// Per-connection limits, copied into each subscriber.
struct subscriber_limits {
    queue_limits queue;
    // A write (the 101, one message, the close) not finished by then closes
    // the connection: the client stopped reading.
    std::chrono::seconds write_timeout{90};
    // A subscriber silent (no frame, no pong) this long gets a ping ...
    std::chrono::seconds ping_interval{30};
    // ... and one silent this long is closed. Must exceed ping_interval.
    std::chrono::seconds ping_timeout{40};
    // Largest message a client may send (it is read and ignored, D5.3).
    std::size_t max_client_message = 64 * 1024;
};

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

struct fanout_options {
    // --attach PATH: a worker started on its own. `control` is PATH, and the
    // instance is asked of the acceptor there (see attach.hpp).
    bool attach = false;
    std::string instance;
    std::optional<std::uint32_t> slot;  // none: claim the first free slot
    std::string control;
    subscriber_limits limits;
    // Subscribers this worker takes; one more is answered 503 (the acceptor
    // hears of it in the hello and hands none beyond it).
    std::uint32_t max_subscribers = 100000;
    http_limits http;
    // --slow-after: how long one subscriber's backlog may hold the worker back
    // (backlog_tracker).
    std::chrono::milliseconds slow_after{500};
    // Built-in TLS: the public listening socket (shared by every worker) and
    // the certificate and key to terminate TLS with. All three, or none.
    std::optional<int> listen_fd;
    std::string tls_cert;
    std::string tls_key;
};

// What parse_command_line decided.
struct command_line {
    enum class outcome { run, help, error } result = outcome::run;
    fanout_options options;
    std::string text;  // the help text, or what is wrong
};

command_line parse_command_line(const std::vector<std::string>& args);

}  // namespace hookbot::fanout
