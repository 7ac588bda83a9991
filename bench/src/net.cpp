#include "net.hpp"

#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <hookbot/posix/error.hpp>
#include <stdexcept>

namespace hookbot::bench {
namespace {

sockaddr* as_sockaddr(sockaddr_in& address) {
    return reinterpret_cast<sockaddr*>(&address);
}
const sockaddr* as_sockaddr(const sockaddr_in& address) {
    return reinterpret_cast<const sockaddr*>(&address);
}

unsigned parse_number(std::string_view text, std::string_view what) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) {
        throw std::invalid_argument("bad " + std::string(what) + ": " + std::string(text));
    }
    return value;
}

void set_int_option(int fd, int level, int name, int value) {
    posix::check(setsockopt(fd, level, name, &value, sizeof value), "setsockopt");
}

}  // namespace

endpoint parse_endpoint(std::string_view text) {
    bool tls = false;
    if (const auto scheme_end = text.find("://"); scheme_end != std::string_view::npos) {
        const std::string_view scheme = text.substr(0, scheme_end);
        tls = scheme == "https" || scheme == "wss";
        if (!tls && scheme != "http" && scheme != "ws") {
            throw std::invalid_argument("only http://, https://, ws:// and wss:// URLs: " +
                                        std::string(text));
        }
        text.remove_prefix(scheme_end + 3);
    }
    if (const auto slash = text.find('/'); slash != std::string_view::npos) {
        text = text.substr(0, slash);
    }
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos)
        throw std::invalid_argument("no port in " + std::string(text));
    endpoint result;
    std::string host(text.substr(0, colon));
    if (host.empty() || host == "localhost") host = "127.0.0.1";
    result.address.sin_family = AF_INET;
    result.address.sin_port =
        htons(static_cast<std::uint16_t>(parse_number(text.substr(colon + 1), "port")));
    if (inet_pton(AF_INET, host.c_str(), &result.address.sin_addr) != 1) {
        throw std::invalid_argument("not an IPv4 address: " + host);
    }
    result.host_header = host + ":" + std::string(text.substr(colon + 1));
    result.tls = tls;
    return result;
}

sockaddr_in loopback_source(std::size_t index, std::size_t count) {
    sockaddr_in source{};
    source.sin_family = AF_INET;
    source.sin_addr.s_addr = htonl(0x7f000001U + static_cast<std::uint32_t>(index % count));
    return source;
}

posix::unique_fd start_connect(const sockaddr_in& to, const sockaddr_in* source) {
    posix::unique_fd fd(
        posix::check(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket"));
    set_int_option(fd.get(), IPPROTO_TCP, TCP_NODELAY, 1);
    if (source != nullptr) {
        // Port chosen at connect time, per 4-tuple, not per source address.
        set_int_option(fd.get(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, 1);
        posix::check(bind(fd.get(), as_sockaddr(*source), sizeof *source), "bind source address");
    }
    if (connect(fd.get(), as_sockaddr(to), sizeof to) != 0 && errno != EINPROGRESS) {
        posix::throw_errno("connect");
    }
    return fd;
}

int connect_result(int fd) noexcept {
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return errno;
    return error;
}

posix::unique_fd listen_on(const sockaddr_in& address) {
    posix::unique_fd fd(
        posix::check(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket"));
    set_int_option(fd.get(), SOL_SOCKET, SO_REUSEADDR, 1);
    posix::check(bind(fd.get(), as_sockaddr(address), sizeof address), "bind");
    posix::check(listen(fd.get(), 4096), "listen");
    return fd;
}

std::uint16_t local_port(int fd) {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    posix::check(getsockname(fd, as_sockaddr(address), &length), "getsockname");
    return ntohs(address.sin_port);
}

void pin_to_cpus(std::string_view cpus) {
    cpu_set_t set;
    CPU_ZERO(&set);
    while (!cpus.empty()) {
        const auto comma = cpus.find(',');
        const auto item = cpus.substr(0, comma);
        const auto dash = item.find('-');
        const unsigned first = parse_number(item.substr(0, dash), "cpu");
        const unsigned last =
            dash == std::string_view::npos ? first : parse_number(item.substr(dash + 1), "cpu");
        for (unsigned cpu = first; cpu <= last; ++cpu) CPU_SET(cpu, &set);
        cpus = comma == std::string_view::npos ? std::string_view{} : cpus.substr(comma + 1);
    }
    posix::check(sched_setaffinity(0, sizeof set, &set), "sched_setaffinity");
}

std::uint64_t raise_file_limit() {
    rlimit limit{};
    posix::check(getrlimit(RLIMIT_NOFILE, &limit), "getrlimit");
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    posix::check(getrlimit(RLIMIT_NOFILE, &limit), "getrlimit");
    return limit.rlim_cur;
}

}  // namespace hookbot::bench
