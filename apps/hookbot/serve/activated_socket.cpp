#include "serve/activated_socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <systemd/sd-daemon.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "hookbot/posix/error.hpp"

namespace hookbot::serve {

std::optional<posix::unique_fd> socket_from_systemd() {
    const int count = ::sd_listen_fds(1);
    if (count < 0) posix::throw_errno(-count, "sd_listen_fds");
    if (count == 0) return std::nullopt;
    // Owned from here on, so that an error below still closes them all.
    std::vector<posix::unique_fd> passed;
    for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + count; ++fd) {
        passed.emplace_back(fd);
    }
    if (count != 1) {
        throw std::runtime_error("systemd passed " + std::to_string(count) +
                                 " sockets (LISTEN_FDS); hookbot serves on exactly one: give "
                                 "hookbot.socket a single ListenStream=");
    }
    const int fd = passed.front().get();
    const int is_tcp = ::sd_is_socket_inet(fd, AF_UNSPEC, SOCK_STREAM, 1, 0);
    if (is_tcp < 0) posix::throw_errno(-is_tcp, "sd_is_socket_inet on the socket systemd passed");
    if (is_tcp == 0) {
        throw std::runtime_error("the socket systemd passed (fd " + std::to_string(fd) +
                                 ") is not a listening TCP socket: hookbot.socket needs "
                                 "ListenStream=[HOST:]PORT");
    }
    const int flags = posix::check(::fcntl(fd, F_GETFL), "fcntl F_GETFL on the passed socket");
    posix::check(::fcntl(fd, F_SETFL, flags | O_NONBLOCK), "fcntl O_NONBLOCK on the passed socket");
    posix::check(::fcntl(fd, F_SETFD, FD_CLOEXEC), "fcntl FD_CLOEXEC on the passed socket");
    return std::move(passed.front());
}

listen_address local_address(int socket_fd) {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    posix::check(::getsockname(socket_fd, reinterpret_cast<sockaddr*>(&address), &length),
                 "getsockname on the listening socket");
    char text[INET6_ADDRSTRLEN] = {};
    listen_address result;
    if (address.ss_family == AF_INET) {
        const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
        result.port = ntohs(v4.sin_port);
        if (v4.sin_addr.s_addr != htonl(INADDR_ANY)) {
            result.host = ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
        }
    } else if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        result.port = ntohs(v6.sin6_port);
        if (!IN6_IS_ADDR_UNSPECIFIED(&v6.sin6_addr)) {
            result.host = ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        }
    } else {
        throw std::runtime_error("the listening socket is not an IPv4 or IPv6 socket");
    }
    return result;
}

}  // namespace hookbot::serve
