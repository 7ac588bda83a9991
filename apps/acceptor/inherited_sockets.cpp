#include "inherited_sockets.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <stdexcept>
#include <string>

#include "hookbot/posix/error.hpp"

namespace hookbot::acceptor {
namespace {

int socket_option(int fd, int option, const std::string& what) {
    int value = 0;
    socklen_t length = sizeof value;
    posix::check(::getsockopt(fd, SOL_SOCKET, option, &value, &length), what);
    return value;
}

void require_listening(int fd, int type, const std::string& name) {
    const std::string what = name + " (fd " + std::to_string(fd) + ")";
    if (socket_option(fd, SO_TYPE, "getsockopt SO_TYPE on " + what) != type ||
        socket_option(fd, SO_ACCEPTCONN, "getsockopt SO_ACCEPTCONN on " + what) == 0) {
        throw std::runtime_error(what + " is not a listening socket of the expected type");
    }
    posix::check(::fcntl(fd, F_SETFD, FD_CLOEXEC), "fcntl FD_CLOEXEC on " + what);
}

}  // namespace

boost::asio::ip::tcp::acceptor adopt_tcp_listener(boost::asio::io_context& ioc, int fd) {
    require_listening(fd, SOCK_STREAM, "--listen-fd");
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    posix::check(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length),
                 "getsockname on --listen-fd " + std::to_string(fd));
    if (address.ss_family != AF_INET && address.ss_family != AF_INET6) {
        throw std::runtime_error("--listen-fd " + std::to_string(fd) + " is not a TCP socket");
    }
    const auto protocol =
        address.ss_family == AF_INET ? boost::asio::ip::tcp::v4() : boost::asio::ip::tcp::v6();
    return boost::asio::ip::tcp::acceptor(ioc, protocol, fd);
}

posix::unique_fd adopt_control_listener(int fd) {
    require_listening(fd, SOCK_SEQPACKET, "--control-fd");
    const int flags = posix::check(::fcntl(fd, F_GETFL), "fcntl F_GETFL on --control-fd");
    posix::check(::fcntl(fd, F_SETFL, flags | O_NONBLOCK), "fcntl O_NONBLOCK on --control-fd");
    return posix::unique_fd(fd);
}

}  // namespace hookbot::acceptor
