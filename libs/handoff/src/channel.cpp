#include "hookbot/handoff/channel.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "hookbot/posix/error.hpp"

namespace hookbot::handoff {
namespace {

sockaddr_un address_of(const std::string& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path)) {
        throw std::invalid_argument("control socket path is empty or longer than " +
                                    std::to_string(sizeof(address.sun_path) - 1) +
                                    " bytes: " + path);
    }
    std::memcpy(address.sun_path, path.data(), path.size());
    return address;
}

posix::unique_fd seqpacket_socket() {
    return posix::unique_fd(posix::check(
        ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), "socket AF_UNIX"));
}

// Room for exactly one descriptor, aligned as cmsg requires.
union fd_control {
    char buffer[CMSG_SPACE(sizeof(int))];
    cmsghdr align;
};

}  // namespace

channel::channel(posix::unique_fd socket) : socket_(std::move(socket)) {}

channel channel::connect(const std::string& path) {
    auto socket = seqpacket_socket();
    const sockaddr_un address = address_of(path);
    // A non-blocking connect on a Unix socket completes at once or fails
    // (EAGAIN when the backlog is full), never "in progress".
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) ==
        -1) {
        posix::throw_errno("connect to control socket " + path);
    }
    return channel(std::move(socket));
}

std::pair<channel, channel> channel::pair() {
    int fds[2];
    posix::check(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds),
                 "socketpair AF_UNIX");
    return {channel(posix::unique_fd(fds[0])), channel(posix::unique_fd(fds[1]))};
}

channel::send_result channel::send(const message& m, int attached) {
    std::string bytes = encode(m);
    iovec payload{bytes.data(), bytes.size()};
    msghdr header{};
    header.msg_iov = &payload;
    header.msg_iovlen = 1;
    fd_control control{};
    if (attached >= 0) {
        header.msg_control = control.buffer;
        header.msg_controllen = sizeof control.buffer;
        cmsghdr* c = CMSG_FIRSTHDR(&header);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &attached, sizeof(int));
    }
    for (;;) {
        if (::sendmsg(socket_.get(), &header, MSG_NOSIGNAL) >= 0) return send_result::sent;
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return send_result::would_block;
        if (errno == EPIPE || errno == ECONNRESET || errno == ENOTCONN) return send_result::closed;
        posix::throw_errno("sendmsg on control connection");
    }
}

channel::receive_status channel::receive(std::optional<received>& out) {
    out.reset();
    std::vector<char> bytes(max_message_bytes);
    iovec payload{bytes.data(), bytes.size()};
    msghdr header{};
    header.msg_iov = &payload;
    header.msg_iovlen = 1;
    fd_control control{};
    header.msg_control = control.buffer;
    header.msg_controllen = sizeof control.buffer;

    ssize_t length = -1;
    for (;;) {
        length = ::recvmsg(socket_.get(), &header, MSG_CMSG_CLOEXEC);
        if (length >= 0 || errno != EINTR) break;
    }
    if (length < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return receive_status::would_block;
        if (errno == ECONNRESET) return receive_status::closed;
        posix::throw_errno("recvmsg on control connection");
    }

    // Take ownership of any descriptor first, so it is closed on every path.
    posix::unique_fd attached;
    for (cmsghdr* c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
            c->cmsg_len == CMSG_LEN(sizeof(int))) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
            attached.reset(fd);
        }
    }
    if (length == 0) return receive_status::closed;
    // A truncated packet or one we cannot parse means the peer does not speak
    // our protocol: treat the connection as broken rather than guess.
    if ((header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) return receive_status::closed;
    auto decoded = decode(std::string_view(bytes.data(), static_cast<std::size_t>(length)));
    if (!decoded) return receive_status::closed;
    out.emplace(received{std::move(*decoded), std::move(attached)});
    return receive_status::ready;
}

posix::unique_fd listen_control_socket(const std::string& path) {
    auto socket = seqpacket_socket();
    const sockaddr_un address = address_of(path);
    // A file left by a crashed instance would make bind fail with EADDRINUSE.
    if (::unlink(path.c_str()) == -1 && errno != ENOENT) {
        posix::throw_errno("remove stale control socket " + path);
    }
    posix::check(::bind(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address),
                 "bind control socket " + path);
    posix::check(::listen(socket.get(), 128), "listen on control socket " + path);
    return socket;
}

}  // namespace hookbot::handoff
