#include "observe/counters_log.hpp"

#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor {

counters_log::counters_log(boost::asio::io_context& ioc, const shm_ring::bus& bus,
                           std::chrono::seconds period)
    : bus_(bus), period_(period), timer_(ioc) {}

void counters_log::start() {
    previous_ = collect_metrics(bus_);
    arm();
}

void counters_log::stop() {
    timer_.cancel();
}

void counters_log::arm() {
    timer_.expires_after(period_);
    timer_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        metrics_snapshot now = collect_metrics(bus_);
        log::info(counters_line(now, previous_));
        previous_ = std::move(now);
        arm();
    });
}

}  // namespace hookbot::acceptor
