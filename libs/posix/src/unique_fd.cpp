#include "hookbot/posix/unique_fd.hpp"

#include <unistd.h>

namespace hookbot::posix {

void unique_fd::reset(int fd) noexcept {
    if (fd_ >= 0 && fd_ != fd) {
        // close() may fail with EINTR, but on Linux the descriptor is released
        // anyway, so retrying would risk closing someone else's new fd.
        ::close(fd_);
    }
    fd_ = fd;
}

}  // namespace hookbot::posix
