#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace hookbot::listen {

// A `/bin/sh -c COMMAND` child that leads a process group of its own. Owns
// it: when the object dies with the child not yet reaped, the whole group is
// killed and the child reaped, so no command outlives the listener's
// interest in it by accident.
class process_group {
  public:
    // Starts the shell with `stdin_fd` as its standard input, `environment`
    // ("NAME=value" each) as its environment, the default disposition of
    // every signal, and no descriptor of the listener's but 0, 1 and 2.
    // Throws std::system_error naming the failed step.
    static process_group spawn(const std::string& command, int stdin_fd,
                               const std::vector<std::string>& environment);

    process_group(process_group&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}
    process_group& operator=(process_group&&) = delete;
    process_group(const process_group&) = delete;
    process_group& operator=(const process_group&) = delete;
    ~process_group();

    [[nodiscard]] pid_t pid() const noexcept { return pid_; }

    // Sends `signo` to every process of the group.
    void signal(int signo) const noexcept;

    // Reaps the child, which must have exited (its pidfd said so); returns
    // its wait status.
    int reap();

  private:
    explicit process_group(pid_t pid) noexcept : pid_(pid) {}

    pid_t pid_ = -1;
};

// The listener's environment with `extra` ("NAME=value") set, replacing any
// value of those names it had.
std::vector<std::string> environment_with(const std::vector<std::string>& extra);

}  // namespace hookbot::listen
