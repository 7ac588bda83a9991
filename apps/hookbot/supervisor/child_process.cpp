#include "supervisor/child_process.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <stdexcept>

#include "hookbot/posix/error.hpp"

namespace hookbot::serve {
namespace {

constexpr std::size_t max_descriptors = 8;

// Runs in the forked child: only async-signal-safe calls until exec.
[[noreturn]] void exec_child(const spawn_spec& spec, char* const* argv) {
    // The supervisor blocks the signals it reads through signalfd; the child
    // must not inherit that mask.
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    // Move every source above the highest target first, so that one
    // descriptor's dup2 cannot overwrite another's source.
    int high = 64;
    for (const auto& [source, target] : spec.descriptors) high = std::max(high, target + 1);
    int moved[max_descriptors];
    for (std::size_t i = 0; i < spec.descriptors.size(); ++i) {
        moved[i] = fcntl(spec.descriptors[i].first, F_DUPFD_CLOEXEC, high);
        if (moved[i] == -1) _exit(126);
    }
    for (std::size_t i = 0; i < spec.descriptors.size(); ++i) {
        if (dup2(moved[i], spec.descriptors[i].second) == -1) _exit(126);
    }
    execv(spec.program.c_str(), argv);
    _exit(127);
}

}  // namespace

child_process child_process::spawn(const spawn_spec& spec) {
    // Everything the child needs is built before fork: after it, no allocation.
    std::vector<std::string> strings;
    strings.push_back(spec.program);
    strings.insert(strings.end(), spec.args.begin(), spec.args.end());
    std::vector<char*> argv;
    for (auto& s : strings) argv.push_back(s.data());
    argv.push_back(nullptr);

    if (spec.descriptors.size() > max_descriptors) {
        throw std::invalid_argument("too many descriptors for " + spec.program);
    }
    const pid_t pid = ::fork();
    if (pid == -1) posix::throw_errno("fork for " + spec.program);
    if (pid == 0) exec_child(spec, argv.data());
    return child_process(pid);
}

child_process& child_process::operator=(child_process&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
    }
    return *this;
}

child_process::~child_process() {
    kill_and_reap();
}

void child_process::signal(int signo) const noexcept {
    if (pid_ > 0) ::kill(pid_, signo);
}

void child_process::kill_and_reap() noexcept {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) == -1 && errno == EINTR) {
    }
    pid_ = -1;
}

}  // namespace hookbot::serve
