#include "child.hpp"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>
#include <utility>

#include "hookbot/posix/error.hpp"

namespace hookbot::shm_ring::stress {

child::child(const std::function<int()>& body) {
    std::fflush(nullptr);  // no buffered output written twice
    pid_ = posix::check(::fork(), "fork a stress test child");
    if (pid_ != 0) return;
    int status = 1;
    try {
        status = body();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "stress child %d: %s\n", ::getpid(), error.what());
    }
    std::fflush(nullptr);
    ::_exit(status);
}

child::child(child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), status_(other.status_) {}

child::~child() {
    if (pid_ <= 0 || status_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
}

std::optional<int> child::wait_until(std::chrono::steady_clock::time_point deadline) {
    while (!status_) {
        int status = 0;
        const pid_t done = ::waitpid(pid_, &status, WNOHANG);
        if (done == pid_) {
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        } else if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        } else {
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    return status_;
}

void send_fd(int socket, int fd, std::uint32_t tag) {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    iovec data{&tag, sizeof tag};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
    posix::check(static_cast<int>(::sendmsg(socket, &message, 0)),
                 "sendmsg eventfd to the stress parent");
}

posix::unique_fd receive_fd(int socket, std::uint32_t& tag) {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    iovec data{&tag, sizeof tag};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    posix::check(static_cast<int>(::recvmsg(socket, &message, MSG_CMSG_CLOEXEC)),
                 "recvmsg eventfd from a stress reader");
    const cmsghdr* header = CMSG_FIRSTHDR(&message);
    if (header == nullptr || header->cmsg_type != SCM_RIGHTS)
        throw std::runtime_error("stress reader sent no file descriptor");
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(header), sizeof fd);
    return posix::unique_fd(fd);
}

}  // namespace hookbot::shm_ring::stress
