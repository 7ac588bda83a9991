#pragma once

#include <netinet/in.h>

#include <cstdint>
#include <hookbot/posix/unique_fd.hpp>
#include <string>
#include <string_view>

namespace hookbot::bench {

// An IPv4 address and port, e.g. from "127.0.0.1:8080",
// "http://127.0.0.1:8080/" or (TLS) "https://127.0.0.1:8443".
struct endpoint {
    sockaddr_in address{};
    std::string host_header;  // "127.0.0.1:8080", as sent in Host:
    bool tls = false;         // https:// or wss://
};

endpoint parse_endpoint(std::string_view text);

// 127.0.0.<1 + index % count>: several source addresses multiply the
// ephemeral ports available towards one server port.
sockaddr_in loopback_source(std::size_t index, std::size_t count);

// A non-blocking TCP socket with TCP_NODELAY whose connect has started
// (EINPROGRESS). `source`, when set, is bound first (port chosen at connect).
posix::unique_fd start_connect(const sockaddr_in& to, const sockaddr_in* source);

// The error a non-blocking connect ended with (SO_ERROR); 0 when connected.
int connect_result(int fd) noexcept;

// A non-blocking listening socket (SO_REUSEADDR, backlog 4096).
posix::unique_fd listen_on(const sockaddr_in& address);
std::uint16_t local_port(int fd);

// Pins this process to a CPU list such as "1", "0,2" or "2-3".
void pin_to_cpus(std::string_view cpus);

// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the new soft limit.
std::uint64_t raise_file_limit();

}  // namespace hookbot::bench
