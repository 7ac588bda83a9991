#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace hookbot::bench {

// What `hookbot-bench` (the load generator) is asked to do.
struct load_options {
    std::string url = "http://127.0.0.1:8080";
    std::string key;  // --key or HOOKBOT_KEY; empty: no Authorization
    std::string topic_base = "bench";
    std::size_t subscribers = 100;
    std::size_t topics = 1;    // exact topics <base>/<i>
    std::size_t prefixes = 0;  // >0: subscribe to <base>/p<i>/, publish to <base>/p<i>/a/b/c
    std::size_t publishers = 1;
    double rate = 0;             // publishes/s over all publishers; 0: closed loop
    std::size_t size = 1024;     // body bytes (at least 16: timestamp + sequence)
    double duration = 10;        // seconds of measured publishing
    std::uint64_t messages = 0;  // >0: stop after this many measured publishes
    double warmup = 1;
    double drain = 5;                  // seconds to wait for the last deliveries
    double connect_rate = 2000;        // new subscriber connections per second
    std::size_t connect_window = 256;  // handshakes in flight at once
    double connect_timeout = 60;
    std::size_t source_addresses = 1;
    std::string pin;
    bool json = false;
    // Resuming subscribers: ?since=<this> on every subscription (an id, "all"
    // or "latest"; empty: live only).
    std::string since;
    // >0: each subscriber's time from its 101 to its Nth message is recorded
    // (how long a resume takes to replay N messages).
    std::uint64_t expect = 0;
};

// Parses argv; prints usage and returns nothing on --help (exit_code 0) or a
// bad option (exit_code 2).
std::optional<load_options> parse_load_options(int argc, char** argv, int& exit_code);

}  // namespace hookbot::bench
