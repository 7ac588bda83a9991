#include "hookbot/posix/process.hpp"

#include <signal.h>

#include <cerrno>

namespace hookbot::posix {

bool process_is_gone(pid_t pid) noexcept {
    return pid > 0 && ::kill(pid, 0) == -1 && errno == ESRCH;
}

}  // namespace hookbot::posix
