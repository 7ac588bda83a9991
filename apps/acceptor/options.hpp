#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "hookbot/auth/token.hpp"
#include "hookbot/cluster/cluster_options.hpp"
#include "hookbot/limits/flow_limits.hpp"
#include "hookbot/posix/exit_status.hpp"
#include "http/limits.hpp"
#include "observe/metrics_access.hpp"

namespace hookbot::acceptor {

// The command line of hookbot-acceptor, as `hookbot serve` starts it:
//   hookbot-acceptor --instance NAME [--listen-fd N] --control-fd M [--ready-fd R] [limits]
//                    [--router github]
// with the key in HOOKBOT_KEY (or --key), or --key-file PATH, and the GitHub
// secret in HOOKBOT_GITHUB_SECRET: neither ever appears on a command line,
// which every local user can read in /proc.
struct acceptor_options {
    std::string instance;
    std::string bus_dir;  // the rings' folder when the bus is kept in a file
    int listen_fd = -1;   // -1: no public socket (TLS: workers forward requests)
    int control_fd = -1;
    int ready_fd = -1;  // -1: nobody waits for readiness (see readiness_report)
    std::string key;
    std::string key_file;  // keys, one per line, re-read on SIGHUP; wins over key
    std::optional<auth::hash_kind> only_hash;  // --token-hash; nullopt: both (T1)
    session_limits limits;
    bool max_body_given = false;  // else the bus's largest body
    std::chrono::milliseconds shutdown_timeout{2000};
    std::size_t max_queued_handoffs = 256;
    // Flow control (bus_room): how long a publish may wait for the workers,
    // 0 for not at all, and how many records the bus may run ahead of them.
    std::chrono::milliseconds max_publish_wait =
        limits::default_milliseconds(limits::max_publish_wait);
    std::uint64_t publish_window = limits::publish_window.default_value;
    bool github_router = false;  // --router github; its secret in HOOKBOT_GITHUB_SECRET
    metrics_access metrics_allow = metrics_access::loopback;  // --metrics-allow
    std::chrono::seconds counters_log_period{60};             // --counters-log-period
    bool ui_enabled = true;            // --ui on|off: the inspector page under /ui/
    cluster::cluster_options cluster;  // --cluster...: publish through NATS JetStream
};

struct parsed_options {
    // nullopt: exit with exit_status (exit_fatal_config for a wrong command
    // line or environment, hookbot/posix/exit_status.hpp)
    std::optional<acceptor_options> options;
    int exit_status = 0;
};

// Parses `args` (without the program name). `key_from_environment` is
// HOOKBOT_KEY, or nullptr. Help goes to `out`, errors and usage to `err`.
parsed_options parse_options(const std::vector<std::string>& args, const char* key_from_environment,
                             std::ostream& out, std::ostream& err);

}  // namespace hookbot::acceptor
