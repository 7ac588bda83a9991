#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hookbot/posix/exit_status.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "supervisor/child_process.hpp"
#include "supervisor/readiness_pipe.hpp"
#include "supervisor/service_notifier.hpp"
#include "supervisor/slot_reservations.hpp"

namespace hookbot::serve {

enum class child_kind { acceptor, worker };

// What `hookbot serve` runs and how it restarts it.
struct supervisor_config {
    std::string acceptor_program;
    // It also gets the listener as fd 3, control as fd 4, and the write end
    // of the readiness pipe as fd 5.
    std::vector<std::string> acceptor_args;
    std::string fanout_program;
    std::vector<std::string> fanout_args;  // each worker also gets "--slot K"
    // Built-in TLS: the workers, not the acceptor, accept on the public
    // socket (each gets it as fd 3 with "--listen-fd 3"), because a TLS
    // session cannot move between processes. The acceptor gets only fd 4.
    bool workers_accept = false;
    unsigned workers = 1;
    // Restart policy: a child that ran at least `stable_after` restarts at
    // once; one that died sooner waits a backoff that doubles up to
    // `max_backoff`; `crash_loop_exits` exits within `crash_loop_window` of one
    // child mean it cannot run here, and the supervisor gives up loudly.
    std::chrono::milliseconds first_backoff{100};
    std::chrono::milliseconds max_backoff{5000};
    std::chrono::seconds stable_after{10};
    unsigned crash_loop_exits = 10;
    std::chrono::seconds crash_loop_window{30};
    // SIGTERM: children left after this are killed. A worker drains within
    // about 3 s (fanout's drain_ack_timeout + its close grace), so serve
    // exits within this bound.
    std::chrono::seconds stop_timeout{5};
    // Called after each restart (not first start) of a child, e.g. to count
    // it where /metrics reads it.
    std::function<void(child_kind)> on_restart;
    // Cluster mode: replaces the bus with one of the epoch the acceptor asks
    // for (serve_command). The acceptor asks by exiting with
    // exit_replace_bus; the workers are stopped first and everything is
    // started again on the new bus. Empty: such an exit is an ordinary one.
    std::function<void()> replace_bus;
};

// The tiny master of nginx's shape: it keeps the listening sockets, forks the
// acceptor and the workers, restarts any that exits, and forwards SIGHUP and
// SIGTERM. It never touches client traffic. It tells systemd (through
// `notifier`) when the service is ready, reloading or stopping.
//
// Workers at run time: SIGUSR1 starts one more worker (in the first free bus
// slot); SIGUSR2 drains the newest one (SIGTERM: its subscribers get 1001 and
// reconnect to the others) and does not restart it. The last worker stays.
class supervisor {
  public:
    // `bus`: the instance's bus, whose worker slots this hands out.
    supervisor(supervisor_config config, posix::unique_fd listener,
               posix::unique_fd control_listener, const shm_ring::bus& bus,
               service_notifier& notifier);

    // Runs until SIGTERM or SIGINT (exit 0) or until a child crash-loops
    // (exit 1). Signals must already be blocked (see block_signals()).
    int run();

    // Blocks the signals run() reads through a signalfd; call it before any
    // thread or child exists.
    static void block_signals();

  private:
    using clock = std::chrono::steady_clock;

    struct child_role {
        std::string name;  // "acceptor", "worker 0", …
        child_kind kind = child_kind::worker;
        bool ever_started = false;
        spawn_spec spec;
        std::optional<child_process> process;
        clock::time_point started{};
        std::optional<clock::time_point> restart_at;
        std::chrono::milliseconds backoff{0};
        std::deque<clock::time_point> recent_exits;
        std::optional<std::uint32_t> slot;         // a worker's bus slot
        bool retiring = false;                     // removed (SIGUSR2): draining, not restarted
        std::optional<clock::time_point> kill_at;  // retiring and still running then: SIGKILL
    };

    [[nodiscard]] child_role make_worker(std::uint32_t slot) const;
    void add_worker();
    void remove_worker();
    // A removed worker that has not finished draining within stop_timeout is killed.
    void kill_overdue_retirees();
    // A retiring worker exited: forget it and free its slot.
    void retire(std::vector<child_role>::iterator role, pid_t pid, int status);

    void start(child_role& role);
    // False when the role crash-loops.
    bool on_exit(child_role& role, int status);
    bool reap_children();
    void start_due_children();
    [[nodiscard]] int poll_timeout_ms() const;
    void signal_all(int signo);
    void stop_all();
    // SIGTERM to the running children `which` selects; those left after
    // stop_timeout are killed.
    void stop_children(const std::function<bool(const child_role&)>& which);
    // The acceptor exited with exit_replace_bus.
    void replace_bus();

    supervisor_config config_;
    posix::unique_fd listener_;
    posix::unique_fd control_listener_;
    slot_reservations slots_;
    readiness_pipe acceptor_ready_;
    service_notifier& notifier_;
    std::vector<child_role> roles_;
};

}  // namespace hookbot::serve
