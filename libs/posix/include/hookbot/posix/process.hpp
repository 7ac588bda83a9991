#pragma once

#include <sys/types.h>

namespace hookbot::posix {

// True when no process `pid` exists any more (kill(pid, 0) says ESRCH). A
// process that exists but is not ours to signal (EPERM) is not gone, and
// neither is a pid of 0 or below, which names no one process.
[[nodiscard]] bool process_is_gone(pid_t pid) noexcept;

}  // namespace hookbot::posix
