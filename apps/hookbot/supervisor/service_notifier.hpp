#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::serve {

// The supervisor's side of systemd's notification protocol (sd_notify(3)):
// READY=1 once the service really serves, STATUS= with live figures,
// WATCHDOG=1 while WatchdogSec= is set, RELOADING=1 and STOPPING=1. The
// supervisor is the unit's main process, so it alone notifies
// (NotifyAccess=main); the acceptor tells it when it is ready through a pipe.
//
// Without NOTIFY_SOCKET (not started by systemd as Type=notify) every call
// is a no-op and there is no timer to poll.
class service_notifier {
  public:
    // The STATUS= text while serving: live figures, asked for at each tick.
    using status_source = std::function<std::string()>;

    // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. Ticks every
    // `status_period`, or every half watchdog interval when that is shorter.
    // Throws std::system_error when the timer cannot be made.
    service_notifier(status_source status, std::chrono::milliseconds status_period);

    // Readable at each tick; -1 when there is nothing to tick for.
    [[nodiscard]] int timer_fd() const noexcept { return timer_.get(); }
    // After timer_fd() polled readable: WATCHDOG=1 when the watchdog is on,
    // and STATUS= when the figures changed.
    void on_tick();

    // READY=1 with the first figures. Later calls (an acceptor restarted and
    // reported again) send nothing new.
    void ready();
    // Around a SIGHUP forwarded to the children (who reload on their own,
    // without telling back): RELOADING=1 now, READY=1 after.
    void reloading();
    void reloaded();
    // STOPPING=1, with why.
    void stopping(const std::string& why);

    [[nodiscard]] bool active() const noexcept { return active_; }
    [[nodiscard]] std::optional<std::chrono::microseconds> watchdog_interval() const noexcept {
        return watchdog_;
    }

  private:
    void send(const std::string& assignments) const;

    status_source status_;
    bool active_ = false;
    bool ready_ = false;
    std::optional<std::chrono::microseconds> watchdog_;
    posix::unique_fd timer_;
    std::string last_status_;
};

}  // namespace hookbot::serve
