#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hookbot/limits/client_limits.hpp"
#include "hookbot/limits/flow_limits.hpp"
#include "hookbot/limits/retention_limits.hpp"
#include "subscribers/subscriber_limits.hpp"
#include "tls_front/http_limits.hpp"

namespace hookbot::fanout {

struct fanout_options {
    // --attach PATH: a worker started on its own. `control` is PATH, and the
    // instance is asked of the acceptor there (see attach.hpp).
    bool attach = false;
    std::string instance;
    std::string bus_dir;                // the rings' folder when the bus is kept in a file
    std::optional<std::uint32_t> slot;  // none: claim the first free slot
    std::string control;
    subscriber_limits limits;
    // Subscribers this worker takes; one more is answered 503 (the acceptor
    // hears of it in the hello and hands none beyond it).
    std::uint32_t max_subscribers = limits::max_subscribers.default_value;
    http_limits http;
    // --slow-after: how long one subscriber's backlog may hold the worker back
    // (backlog_tracker).
    std::chrono::milliseconds slow_after = limits::default_milliseconds(limits::slow_after);
    // --retention-age: resumes replay nothing older (0: no bound but the rings').
    std::chrono::milliseconds retention_age = limits::default_milliseconds(limits::retention_age);
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
