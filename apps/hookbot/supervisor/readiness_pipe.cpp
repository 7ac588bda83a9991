#include "supervisor/readiness_pipe.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "hookbot/posix/error.hpp"

namespace hookbot::serve {

readiness_pipe::readiness_pipe() {
    int ends[2] = {-1, -1};
    posix::check(::pipe2(ends, O_CLOEXEC), "pipe2 for the acceptor's readiness");
    read_.reset(ends[0]);
    write_.reset(ends[1]);
    // Only our end is non-blocking: the acceptor's one-byte write never fills it.
    posix::check(::fcntl(read_.get(), F_SETFL, O_NONBLOCK),
                 "fcntl O_NONBLOCK on the readiness pipe");
}

bool readiness_pipe::take_reports() const {
    bool reported = false;
    std::array<char, 64> bytes{};
    for (;;) {
        const ssize_t n = ::read(read_.get(), bytes.data(), bytes.size());
        if (n > 0) {
            reported = true;
            continue;
        }
        if (n == -1 && errno == EINTR) continue;
        if (n == -1 && errno != EAGAIN) posix::throw_errno("read from the readiness pipe");
        return reported;
    }
}

}  // namespace hookbot::serve
