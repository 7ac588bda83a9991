#pragma once

#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::acceptor {

// Tells the supervisor, once, that this acceptor serves: it has its sockets,
// its loop runs and at least one worker has joined, so a subscriber arriving
// now is handed off. One byte on the inherited pipe (--ready-fd); the
// supervisor turns it into systemd's READY=1.
class readiness_report {
  public:
    // Adopts `fd` (-1: nobody to tell; reports are no-ops).
    explicit readiness_report(int fd);

    // The first call writes the byte and closes the pipe; later calls do
    // nothing. Never throws: a supervisor that cannot hear us is logged, not
    // fatal.
    void report() noexcept;

  private:
    posix::unique_fd pipe_;
};

}  // namespace hookbot::acceptor
