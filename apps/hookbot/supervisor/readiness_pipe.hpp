#pragma once

#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::serve {

// How the acceptor tells the supervisor "I am serving and a worker has
// joined": it writes one byte to the write end, which every acceptor the
// supervisor starts inherits (--ready-fd). The supervisor keeps both ends for
// its whole life, so a restarted acceptor reports on the same pipe and the
// read end never sees EOF.
class readiness_pipe {
  public:
    // Throws std::system_error.
    readiness_pipe();

    // Polled by the supervisor; non-blocking.
    [[nodiscard]] int read_fd() const noexcept { return read_.get(); }
    // Passed to each acceptor; close-on-exec here.
    [[nodiscard]] int write_fd() const noexcept { return write_.get(); }

    // Empties the pipe; true when at least one report was in it.
    bool take_reports() const;

  private:
    posix::unique_fd read_;
    posix::unique_fd write_;
};

}  // namespace hookbot::serve
