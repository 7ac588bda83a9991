#include "event_loop.hpp"

#include <cerrno>
#include <hookbot/posix/error.hpp>

namespace hookbot::bench {

event_loop::event_loop() : epoll_(posix::check(epoll_create1(EPOLL_CLOEXEC), "epoll_create1")) {}

void event_loop::add(int fd, std::uint32_t events, io_handler* handler) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = handler;
    posix::check(epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev), "epoll_ctl add");
}

void event_loop::modify(int fd, std::uint32_t events, io_handler* handler) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = handler;
    posix::check(epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev), "epoll_ctl mod");
}

void event_loop::remove(int fd) noexcept {
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

int event_loop::run_once(int timeout_ms) {
    const int n =
        epoll_wait(epoll_.get(), events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (n < 0) {
        if (errno == EINTR) return 0;
        posix::throw_errno("epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
        const auto& ev = events_[static_cast<std::size_t>(i)];
        static_cast<io_handler*>(ev.data.ptr)->on_io(ev.events);
    }
    return n;
}

}  // namespace hookbot::bench
