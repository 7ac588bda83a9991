#include "serve/listen_address.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <memory>
#include <stdexcept>

#include "hookbot/posix/error.hpp"

namespace hookbot::serve {

listen_address parse_listen_address(std::string_view text) {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        throw std::invalid_argument("--bind: expected [HOST]:PORT, got \"" + std::string(text) +
                                    "\"");
    }
    std::string_view host = text.substr(0, colon);
    const std::string_view port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    }
    unsigned port = 0;
    const auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc{} || end != port_text.data() + port_text.size() || port > 65535) {
        throw std::invalid_argument("--bind: bad port in \"" + std::string(text) + "\"");
    }
    return {std::string(host), static_cast<std::uint16_t>(port)};
}

posix::unique_fd bind_tcp_listener(const listen_address& address, int backlog) {
    const std::string where = address.host + ":" + std::to_string(address.port);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(address.port);
    if (const int rc = ::getaddrinfo(address.host.empty() ? nullptr : address.host.c_str(),
                                     port.c_str(), &hints, &found);
        rc != 0) {
        throw std::runtime_error("resolve bind address " + where + ": " + ::gai_strerror(rc));
    }
    const std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> results(found, ::freeaddrinfo);
    // With no host, prefer the IPv6 wildcard (it also takes IPv4 where the
    // system allows dual-stack), as Go's net.Listen does.
    const addrinfo* chosen = found;
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        if (address.host.empty() && a->ai_family == AF_INET6) chosen = a;
    }
    posix::unique_fd socket(posix::check(
        ::socket(chosen->ai_family, chosen->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0),
        "socket for " + where));
    const int on = 1;
    posix::check(::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on),
                 "SO_REUSEADDR on " + where);
    if (chosen->ai_family == AF_INET6 && address.host.empty()) {
        const int off = 0;
        ::setsockopt(socket.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    }
    posix::check(::bind(socket.get(), chosen->ai_addr, chosen->ai_addrlen), "bind " + where);
    posix::check(::listen(socket.get(), backlog), "listen on " + where);
    return socket;
}

std::uint16_t bound_port(int socket_fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    posix::check(::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length),
                 "getsockname of the listening socket");
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&address)->sin6_port);
    }
    return ntohs(reinterpret_cast<const sockaddr_in*>(&address)->sin_port);
}

}  // namespace hookbot::serve
