#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace hookbot::serve {

struct spawn_spec {
    std::string program;            // absolute path
    std::vector<std::string> args;  // without argv[0]
    // Descriptors the child gets: {descriptor here, number in the child}.
    // Everything else is close-on-exec.
    std::vector<std::pair<int, int>> descriptors;
};

// A child process started with fork+exec. Owns it: if it still runs when the
// object dies, it is killed and reaped, so no child outlives its owner by
// accident. It also dies with the supervisor (PR_SET_PDEATHSIG).
class child_process {
  public:
    static child_process spawn(const spawn_spec& spec);

    child_process(child_process&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
    child_process& operator=(child_process&& other) noexcept;
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;
    ~child_process();

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }
    void signal(int signo) const noexcept;
    // The caller reaped it (waitpid): nothing left to kill.
    void reaped() noexcept { pid_ = -1; }

  private:
    explicit child_process(pid_t pid) noexcept : pid_(pid) {}
    void kill_and_reap() noexcept;

    pid_t pid_ = -1;
};

}  // namespace hookbot::serve
