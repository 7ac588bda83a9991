#include "supervisor/service_notifier.hpp"

#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <system_error>

#include "hookbot/posix/error.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::serve {
namespace {

timespec to_timespec(std::chrono::microseconds duration) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(duration);
    const auto nanoseconds =
        std::chrono::duration_cast<std::chrono::nanoseconds>(duration - seconds);
    return timespec{static_cast<time_t>(seconds.count()), static_cast<long>(nanoseconds.count())};
}

posix::unique_fd make_periodic_timer(std::chrono::microseconds period) {
    posix::unique_fd timer(posix::check(
        ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC), "timerfd_create"));
    const itimerspec every{to_timespec(period), to_timespec(period)};
    posix::check(::timerfd_settime(timer.get(), 0, &every, nullptr), "timerfd_settime");
    return timer;
}

}  // namespace

service_notifier::service_notifier(status_source status, std::chrono::milliseconds status_period)
    : status_(std::move(status)) {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    active_ = socket != nullptr && *socket != '\0';
    if (!active_) return;

    std::uint64_t watchdog_usec = 0;
    // > 0 only when WATCHDOG_PID names this process: the children inherit
    // the variables and see 0.
    if (::sd_watchdog_enabled(0, &watchdog_usec) > 0 && watchdog_usec > 0) {
        watchdog_ = std::chrono::microseconds(watchdog_usec);
    }
    // Half the watchdog interval, as sd_watchdog_enabled(3) advises, so a
    // late tick still lands in time.
    std::chrono::microseconds period = status_period;
    if (watchdog_) period = std::min(period, *watchdog_ / 2);
    period = std::max(period, std::chrono::microseconds(1000));
    timer_ = make_periodic_timer(period);
    log::info("notifying systemd (", socket, ")",
              watchdog_ ? ", watchdog every " + std::to_string(period.count() / 1000) + " ms" : "");
    send("STATUS=starting: waiting for the acceptor and a worker");
}

void service_notifier::on_tick() {
    std::uint64_t expirations = 0;
    if (::read(timer_.get(), &expirations, sizeof expirations) != sizeof expirations) return;
    std::string message;
    if (watchdog_) message = "WATCHDOG=1\n";
    if (ready_) {
        std::string status = status_();
        if (status != last_status_) {
            message += "STATUS=" + status;
            last_status_ = std::move(status);
        }
    }
    if (!message.empty()) send(message);
}

void service_notifier::ready() {
    if (!active_ || ready_) return;
    ready_ = true;
    last_status_ = status_();
    send("READY=1\nSTATUS=" + last_status_);
}

void service_notifier::reloading() {
    if (!active_) return;
    // MONOTONIC_USEC: systemd 253+ wants it with RELOADING=1 (Type=notify-reload).
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1'000'000u +
                      static_cast<std::uint64_t>(now.tv_nsec) / 1000u;
    send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec) +
         "\nSTATUS=reloading: SIGHUP sent to every child");
}

void service_notifier::reloaded() {
    if (!active_) return;
    // Not ready yet: READY=1 waits for the acceptor, as at start.
    if (!ready_) return send("STATUS=starting: waiting for the acceptor and a worker");
    last_status_ = status_();
    send("READY=1\nSTATUS=" + last_status_);
}

void service_notifier::stopping(const std::string& why) {
    if (!active_) return;
    send("STOPPING=1\nSTATUS=stopping: " + why);
}

void service_notifier::send(const std::string& assignments) const {
    // sd_notify reads NOTIFY_SOCKET again each time; it stays set (0) so the
    // next message finds it. A lost notification is not worth stopping for.
    if (const int result = ::sd_notify(0, assignments.c_str()); result < 0) {
        log::warning("sd_notify: ", std::generic_category().message(-result));
    }
}

}  // namespace hookbot::serve
