#pragma once

#include <cstddef>
#include <functional>

#include "hookbot/auth/verifier.hpp"
#include "hookbot/routing/route.hpp"
#include "hookbot/shm_ring/counters.hpp"
#include "http/limits.hpp"
#include "observe/metrics_page.hpp"
#include "publish/bus_room.hpp"
#include "publish/publish_handler.hpp"
#include "workers/worker_pool.hpp"

namespace hookbot::acceptor {

// Counts requests between their head and their answer, so that a stopping
// acceptor can finish those and drop only idle connections.
class request_tracker {
  public:
    void begin() noexcept { ++in_flight_; }
    void end() {
        --in_flight_;
        if (in_flight_ == 0 && on_idle_) on_idle_();
    }
    [[nodiscard]] bool draining() const noexcept { return draining_; }
    [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_; }

    // From now on, calls `on_idle` whenever no request is in flight (at once
    // if none is). Sessions stop keeping connections alive.
    void drain(std::function<void()> on_idle) {
        draining_ = true;
        on_idle_ = std::move(on_idle);
        if (in_flight_ == 0 && on_idle_) on_idle_();
    }
    // Forgets on_idle (before the event loop's objects are destroyed).
    void forget() noexcept { on_idle_ = nullptr; }

  private:
    std::size_t in_flight_ = 0;
    bool draining_ = false;
    std::function<void()> on_idle_;
};

// Client connections open at once, against --max-connections. Each
// http_session holds one place from its start to its end.
class connection_count {
  public:
    class place {
      public:
        explicit place(connection_count& count) : count_(&count) { ++count_->open_; }
        ~place() { --count_->open_; }
        place(const place&) = delete;
        place& operator=(const place&) = delete;

      private:
        connection_count* count_;
    };

    [[nodiscard]] std::size_t open() const noexcept { return open_; }

  private:
    std::size_t open_ = 0;
};

// What every http_session shares (as in Beast's chat-multi example). It lives
// as long as the last session; the pool and publisher it names live in main.
struct shared_state {
    session_limits limits;
    auth::verifier verifier;
    publish_handler& publisher;
    worker_pool& workers;
    request_tracker requests;
    connection_count connections;
    const metrics_endpoint& metrics;
    shm_ring::acceptor_counters& counters;  // in the bus: they survive a restart
    bus_room* room = nullptr;               // flow control; none: publishes are committed at once
    routing::ui_paths ui = routing::ui_paths::inspector;  // --ui on|off
};

}  // namespace hookbot::acceptor
