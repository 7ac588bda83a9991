#include "supervisor/supervisor.hpp"

#include <poll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstring>
#include <stdexcept>
#include <string>

#include "hookbot/posix/error.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::serve {
namespace {

sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (const int signo : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2}) {
        sigaddset(&set, signo);
    }
    return set;
}

std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return std::string("killed by signal ") + ::strsignal(WTERMSIG(status));
    return "stopped";
}

}  // namespace

supervisor::supervisor(supervisor_config config, posix::unique_fd listener,
                       posix::unique_fd control_listener, const shm_ring::bus& bus,
                       service_notifier& notifier)
    : config_(std::move(config)),
      listener_(std::move(listener)),
      control_listener_(std::move(control_listener)),
      slots_(bus),
      notifier_(notifier) {
    child_role acceptor;
    acceptor.name = "acceptor";
    acceptor.kind = child_kind::acceptor;
    acceptor.spec.program = config_.acceptor_program;
    acceptor.spec.args = config_.acceptor_args;
    acceptor.spec.args.insert(acceptor.spec.args.end(), {"--control-fd", "4", "--ready-fd", "5"});
    acceptor.spec.descriptors = {{control_listener_.get(), 4}, {acceptor_ready_.write_fd(), 5}};
    if (!config_.workers_accept) {
        acceptor.spec.args.insert(acceptor.spec.args.end(), {"--listen-fd", "3"});
        acceptor.spec.descriptors.emplace_back(listener_.get(), 3);
    }
    roles_.push_back(std::move(acceptor));
    for (std::uint32_t slot = 0; slot < config_.workers; ++slot) {
        if (!slots_.reserve(slot)) {
            throw std::runtime_error("bus slot " + std::to_string(slot) + " is taken already");
        }
        roles_.push_back(make_worker(slot));
    }
}

supervisor::child_role supervisor::make_worker(std::uint32_t slot) const {
    child_role worker;
    worker.name = "worker " + std::to_string(slot);
    worker.slot = slot;
    worker.spec.program = config_.fanout_program;
    worker.spec.args = config_.fanout_args;
    worker.spec.args.insert(worker.spec.args.end(), {"--slot", std::to_string(slot)});
    if (config_.workers_accept) {
        worker.spec.args.insert(worker.spec.args.end(), {"--listen-fd", "3"});
        worker.spec.descriptors = {{listener_.get(), 3}};
    }
    return worker;
}

void supervisor::block_signals() {
    const sigset_t set = handled_signals();
    posix::check(::sigprocmask(SIG_BLOCK, &set, nullptr) == 0 ? 0 : -1, "sigprocmask");
}

int supervisor::run() {
    const sigset_t set = handled_signals();
    const posix::unique_fd signals(
        posix::check(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK), "signalfd"));

    for (auto& role : roles_) start(role);

    for (;;) {
        // poll skips the timer's -1 when systemd is not listening.
        std::array<pollfd, 3> ready{{{signals.get(), POLLIN, 0},
                                     {acceptor_ready_.read_fd(), POLLIN, 0},
                                     {notifier_.timer_fd(), POLLIN, 0}}};
        if (::poll(ready.data(), ready.size(), poll_timeout_ms()) == -1 && errno != EINTR) {
            posix::throw_errno("poll on signalfd, readiness pipe and notify timer");
        }
        if (acceptor_ready_.take_reports()) {
            log::info("the acceptor serves and a worker has joined: ready");
            notifier_.ready();
        }
        if (ready[2].revents & POLLIN) notifier_.on_tick();
        signalfd_siginfo info{};
        while (::read(signals.get(), &info, sizeof info) == sizeof info) {
            switch (info.ssi_signo) {
                case SIGTERM:
                case SIGINT:
                    log::info("received ", ::strsignal(static_cast<int>(info.ssi_signo)),
                              ": stopping");
                    notifier_.stopping(::strsignal(static_cast<int>(info.ssi_signo)));
                    stop_all();
                    return 0;
                case SIGHUP:
                    log::info("received SIGHUP: asking every child to reload");
                    notifier_.reloading();
                    signal_all(SIGHUP);
                    notifier_.reloaded();
                    break;
                case SIGUSR1:
                    add_worker();
                    break;
                case SIGUSR2:
                    remove_worker();
                    break;
                default:  // SIGCHLD: reaped below whatever woke us
                    break;
            }
        }
        if (!reap_children()) {
            notifier_.stopping("a child cannot run, see the log");
            stop_all();
            return 1;
        }
        start_due_children();
        kill_overdue_retirees();
    }
}

void supervisor::start(child_role& role) {
    role.restart_at.reset();
    try {
        role.process = child_process::spawn(role.spec);
    } catch (const std::exception& e) {
        log::error("cannot start ", role.name, ": ", e.what());
        role.restart_at = clock::now() + config_.max_backoff;
        return;
    }
    role.started = clock::now();
    log::info("started ", role.name, " as pid ", role.process->pid());
    if (role.ever_started && config_.on_restart) config_.on_restart(role.kind);
    role.ever_started = true;
}

bool supervisor::reap_children() {
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        const auto role = std::find_if(roles_.begin(), roles_.end(), [pid](const child_role& r) {
            return r.process && r.process->pid() == pid;
        });
        if (role == roles_.end()) continue;
        role->process->reaped();
        role->process.reset();
        if (role->retiring) {
            retire(role, pid, status);
            continue;
        }
        if (role->slot) slots_.hold_after_exit(*role->slot, pid);
        if (!on_exit(*role, status)) return false;
    }
    return true;
}

bool supervisor::on_exit(child_role& role, int status) {
    const auto now = clock::now();
    if (role.kind == child_kind::acceptor && WIFEXITED(status) &&
        WEXITSTATUS(status) == exit_replace_bus && config_.replace_bus) {
        replace_bus();
        return true;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == exit_fatal_config) {
        log::error(role.name, " ", describe_exit(status),
                   ": its configuration is unusable, not restarting; stopping");
        return false;
    }
    role.recent_exits.push_back(now);
    while (!role.recent_exits.empty() &&
           now - role.recent_exits.front() > config_.crash_loop_window) {
        role.recent_exits.pop_front();
    }
    if (role.recent_exits.size() >= config_.crash_loop_exits) {
        log::error(role.name, " ", describe_exit(status), ", its ", role.recent_exits.size(),
                   "th exit within ", config_.crash_loop_window.count(),
                   " s: it is crash-looping; giving up and stopping");
        return false;
    }
    if (now - role.started >= config_.stable_after) {
        role.backoff = std::chrono::milliseconds{0};
    } else {
        role.backoff = std::clamp(role.backoff * 2, config_.first_backoff, config_.max_backoff);
    }
    log::warning(role.name, " ", describe_exit(status), "; restarting in ", role.backoff.count(),
                 " ms");
    role.restart_at = now + role.backoff;
    return true;
}

void supervisor::add_worker() {
    const auto slot = slots_.reserve_free();
    if (!slot) {
        log::error("SIGUSR1: every bus slot is taken; no worker added");
        return;
    }
    log::info("SIGUSR1: adding a worker in slot ", *slot);
    roles_.push_back(make_worker(*slot));
    start(roles_.back());
}

void supervisor::remove_worker() {
    const auto is_serving = [](const child_role& r) { return r.slot && !r.retiring; };
    if (std::count_if(roles_.begin(), roles_.end(), is_serving) <= 1) {
        log::warning("SIGUSR2: the last worker stays (stop serve to stop it)");
        return;
    }
    // The newest: the one SIGUSR1 added last, else the highest slot.
    const auto role = std::find_if(roles_.rbegin(), roles_.rend(), is_serving).base() - 1;
    role->retiring = true;
    if (!role->process) {  // waiting to be restarted: nothing to drain
        log::info("SIGUSR2: removing ", role->name, ", which was not running");
        slots_.release(*role->slot, 0);
        roles_.erase(role);
        return;
    }
    log::info("SIGUSR2: removing ", role->name, " (pid ", role->process->pid(),
              "): it drains and is not restarted");
    role->process->signal(SIGTERM);
    role->kill_at = clock::now() + config_.stop_timeout;
}

void supervisor::kill_overdue_retirees() {
    const auto now = clock::now();
    for (auto& role : roles_) {
        if (!role.retiring || !role.process || !role.kill_at || *role.kill_at > now) continue;
        log::warning(role.name, " did not drain within ", config_.stop_timeout.count(),
                     " s: killing it");
        role.process->signal(SIGKILL);  // reaped, and retired, like any exit
        role.kill_at.reset();
    }
}

void supervisor::retire(std::vector<child_role>::iterator role, pid_t pid, int status) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log::info(role->name, " removed: drained and exited");
    } else {
        log::warning(role->name, " removed: ", describe_exit(status));
    }
    slots_.release(*role->slot, pid);
    roles_.erase(role);
}

void supervisor::start_due_children() {
    const auto now = clock::now();
    for (auto& role : roles_) {
        if (role.restart_at && *role.restart_at <= now) start(role);
    }
}

int supervisor::poll_timeout_ms() const {
    std::optional<clock::time_point> soonest;
    for (const auto& role : roles_) {
        for (const auto& due : {role.restart_at, role.kill_at}) {
            if (due && (!soonest || *due < *soonest)) soonest = due;
        }
    }
    if (!soonest) return -1;
    const auto wait =
        std::chrono::duration_cast<std::chrono::milliseconds>(*soonest - clock::now()).count();
    return static_cast<int>(std::clamp<long long>(wait + 1, 0, 60'000));
}

void supervisor::signal_all(int signo) {
    for (const auto& role : roles_) {
        if (role.process) role.process->signal(signo);
    }
}

void supervisor::replace_bus() {
    log::info(
        "the acceptor asks for a new bus (the cluster's stream is another one): "
        "stopping the workers, replacing the bus, starting everything on it");
    stop_children([](const child_role& r) { return r.kind == child_kind::worker; });
    config_.replace_bus();
    // The new bus's slots are free: serve's workers hold theirs again, and
    // workers being removed are gone with the old bus.
    std::erase_if(roles_, [](const child_role& r) { return r.retiring; });
    const auto now = clock::now();
    for (auto& role : roles_) {
        if (role.slot && !slots_.reserve(*role.slot)) {
            log::warning("bus slot ", *role.slot, " of the new bus is taken already");
        }
        role.restart_at = now;
    }
}

void supervisor::stop_all() {
    stop_children([](const child_role&) { return true; });
}

void supervisor::stop_children(const std::function<bool(const child_role&)>& which) {
    for (const auto& role : roles_) {
        if (role.process && which(role)) role.process->signal(SIGTERM);
    }
    const auto deadline = clock::now() + config_.stop_timeout;
    auto running = [this, &which] {
        return std::any_of(roles_.begin(), roles_.end(), [&which](const child_role& r) {
            return r.process.has_value() && which(r);
        });
    };
    while (running() && clock::now() < deadline) {
        int status = 0;
        const pid_t pid = ::waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            for (auto& role : roles_) {
                if (role.process && role.process->pid() == pid) {
                    role.process->reaped();
                    role.process.reset();
                    // One that was not asked to stop is started again.
                    if (!which(role)) role.restart_at = clock::now();
                }
            }
            continue;
        }
        if (pid == -1 && errno == ECHILD) break;
        // SIGCHLD is blocked (block_signals), so it stays pending: wait for it.
        const auto left = deadline - clock::now();
        const auto left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        timespec timeout{left_ns / 1'000'000'000, left_ns % 1'000'000'000};
        sigset_t child;
        sigemptyset(&child);
        sigaddset(&child, SIGCHLD);
        ::sigtimedwait(&child, nullptr, &timeout);
    }
    for (auto& role : roles_) {
        if (!role.process || !which(role)) continue;
        log::warning(role.name, " did not stop within ", config_.stop_timeout.count(),
                     " s: killing it");
        role.process.reset();  // SIGKILL and reap
    }
}

}  // namespace hookbot::serve
