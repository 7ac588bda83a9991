#include "listen/process_group.hpp"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <system_error>

#include "hookbot/posix/error.hpp"

extern char** environ;  // NOLINT: POSIX's own declaration

namespace hookbot::listen {
namespace {

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct spawn_setup {
    posix_spawnattr_t attributes{};
    posix_spawn_file_actions_t actions{};

    spawn_setup() {
        if (int error = ::posix_spawnattr_init(&attributes); error != 0) {
            posix::throw_errno(error, "posix_spawnattr_init");
        }
        if (int error = ::posix_spawn_file_actions_init(&actions); error != 0) {
            ::posix_spawnattr_destroy(&attributes);
            posix::throw_errno(error, "posix_spawn_file_actions_init");
        }
    }
    spawn_setup(const spawn_setup&) = delete;
    spawn_setup& operator=(const spawn_setup&) = delete;
    ~spawn_setup() {
        ::posix_spawn_file_actions_destroy(&actions);
        ::posix_spawnattr_destroy(&attributes);
    }
};

void check_spawn(int error, const char* what) {
    if (error != 0) posix::throw_errno(error, what);
}

}  // namespace

process_group process_group::spawn(const std::string& command, int stdin_fd,
                                   const std::vector<std::string>& environment) {
    spawn_setup setup;
    // Its own group (pgid = its pid): a timeout signals everything it started.
    check_spawn(::posix_spawnattr_setpgroup(&setup.attributes, 0), "posix_spawnattr_setpgroup");
    // The listener ignores SIGPIPE (a closed stdout must not kill it); an
    // ignored signal would stay ignored across exec, so every one is reset.
    sigset_t all;
    sigfillset(&all);
    check_spawn(::posix_spawnattr_setsigdefault(&setup.attributes, &all),
                "posix_spawnattr_setsigdefault");
    sigset_t none;
    sigemptyset(&none);
    check_spawn(::posix_spawnattr_setsigmask(&setup.attributes, &none),
                "posix_spawnattr_setsigmask");
    check_spawn(::posix_spawnattr_setflags(&setup.attributes, POSIX_SPAWN_SETPGROUP |
                                                                  POSIX_SPAWN_SETSIGDEF |
                                                                  POSIX_SPAWN_SETSIGMASK),
                "posix_spawnattr_setflags");
    check_spawn(::posix_spawn_file_actions_adddup2(&setup.actions, stdin_fd, STDIN_FILENO),
                "posix_spawn_file_actions_adddup2");
    // Not every descriptor here is close-on-exec (Asio's sockets are not): a
    // command that leaves a daemon behind must not keep the websocket open.
    check_spawn(::posix_spawn_file_actions_addclosefrom_np(&setup.actions, STDERR_FILENO + 1),
                "posix_spawn_file_actions_addclosefrom_np");

    std::string shell = "/bin/sh";
    std::string dash_c = "-c";
    std::string script = command;
    char* argv[] = {shell.data(), dash_c.data(), script.data(), nullptr};
    std::vector<std::string> env_strings = environment;
    std::vector<char*> envp;
    envp.reserve(env_strings.size() + 1);
    for (auto& entry : env_strings) envp.push_back(entry.data());
    envp.push_back(nullptr);

    pid_t pid = -1;
    check_spawn(
        ::posix_spawn(&pid, shell.c_str(), &setup.actions, &setup.attributes, argv, envp.data()),
        "posix_spawn /bin/sh");
    return process_group(pid);
}

process_group::~process_group() {
    if (pid_ <= 0) return;
    ::kill(-pid_, SIGKILL);
    int status = 0;
    while (::waitpid(pid_, &status, 0) == -1 && errno == EINTR) {
    }
}

void process_group::signal(int signo) const noexcept {
    if (pid_ > 0) ::kill(-pid_, signo);
}

int process_group::reap() {
    int status = 0;
    pid_t reaped = -1;
    do {
        reaped = ::waitpid(pid_, &status, 0);
    } while (reaped == -1 && errno == EINTR);
    if (reaped == -1) posix::throw_errno("waitpid " + std::to_string(pid_));
    pid_ = -1;
    return status;
}

std::vector<std::string> environment_with(const std::vector<std::string>& extra) {
    const auto replaced = [&extra](std::string_view entry) {
        for (const auto& set : extra) {
            const std::string_view name = std::string_view(set).substr(0, set.find('=') + 1);
            if (entry.starts_with(name)) return true;
        }
        return false;
    };
    std::vector<std::string> result;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        if (!replaced(*entry)) result.emplace_back(*entry);
    }
    result.insert(result.end(), extra.begin(), extra.end());
    return result;
}

}  // namespace hookbot::listen
