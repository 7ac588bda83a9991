#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>

#include "hookbot/shm_ring/bus.hpp"
#include "observe/metrics_page.hpp"

namespace hookbot::acceptor {

// The original hookbot's status line, once a period (a minute), for the
// whole server: subscribers, publishes, deliveries and drops, each with its
// change since the last line (metrics_page.hpp, counters_line).
class counters_log {
  public:
    counters_log(boost::asio::io_context& ioc, const shm_ring::bus& bus,
                 std::chrono::seconds period);

    void start();
    void stop();

  private:
    void arm();

    const shm_ring::bus& bus_;
    std::chrono::seconds period_;
    boost::asio::steady_timer timer_;
    metrics_snapshot previous_;
};

}  // namespace hookbot::acceptor
