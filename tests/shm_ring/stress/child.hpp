#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>

#include "hookbot/posix/unique_fd.hpp"

// The stress test's process plumbing: children, and eventfds passed to the
// parent over a Unix socket (SCM_RIGHTS), the way a worker would hand its
// doorbell to the acceptor.
namespace hookbot::shm_ring::stress {

// A forked child running `body` (its return value is the exit status). Killed
// with SIGKILL and reaped if still running when this object goes.
class child {
  public:
    explicit child(const std::function<int()>& body);
    child(child&& other) noexcept;
    child& operator=(child&&) = delete;
    ~child();

    // The exit status (128 + signal when killed), or nullopt if it is still
    // running at `deadline`.
    std::optional<int> wait_until(std::chrono::steady_clock::time_point deadline);
    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

  private:
    pid_t pid_ = -1;
    std::optional<int> status_;
};

void send_fd(int socket, int fd, std::uint32_t tag);
// Returns the received fd and sets `tag`.
posix::unique_fd receive_fd(int socket, std::uint32_t& tag);

}  // namespace hookbot::shm_ring::stress
