#include "observe/readiness_report.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor {

readiness_report::readiness_report(int fd) : pipe_(fd) {
    if (pipe_) ::fcntl(pipe_.get(), F_SETFD, FD_CLOEXEC);  // not for the workers we never start
}

void readiness_report::report() noexcept {
    if (!pipe_) return;
    const char ready = '1';
    ssize_t written = -1;
    do {
        written = ::write(pipe_.get(), &ready, 1);
    } while (written == -1 && errno == EINTR);
    if (written != 1) {
        log::warning("cannot tell the supervisor we are ready (--ready-fd ", pipe_.get(),
                     "): ", std::system_category().message(errno));
    }
    pipe_.reset();
}

}  // namespace hookbot::acceptor
