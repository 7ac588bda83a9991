#pragma once

#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <hookbot/posix/unique_fd.hpp>

namespace hookbot::bench {

// Something registered with the loop: told which epoll events its fd got.
class io_handler {
  public:
    virtual void on_io(std::uint32_t events) = 0;

  protected:
    io_handler() = default;
    io_handler(const io_handler&) = default;
    io_handler& operator=(const io_handler&) = default;
    virtual ~io_handler() = default;
};

// One epoll instance, one thread. Handlers must outlive their registration
// and every batch that may still name them (callers defer destruction to the
// end of a loop turn).
class event_loop {
  public:
    event_loop();

    void add(int fd, std::uint32_t events, io_handler* handler);
    void modify(int fd, std::uint32_t events, io_handler* handler);
    void remove(int fd) noexcept;

    // Waits up to `timeout_ms` (-1: forever) and dispatches what arrived;
    // returns the number of events dispatched.
    int run_once(int timeout_ms);

  private:
    posix::unique_fd epoll_;
    std::array<epoll_event, 1024> events_{};
};

}  // namespace hookbot::bench
