#include "worker.hpp"

#include <unistd.h>

#include <utility>

#include "hookbot/posix/log.hpp"
#include "websocket_subscriber.hpp"

namespace hookbot::fanout {

worker::worker(boost::asio::io_context& ioc, const shm_ring::bus& source, std::uint32_t slot,
               subscriptions& registry, const fanout_options& options)
    : ioc_(ioc),
      registry_(registry),
      limits_(options.limits),
      tailer_(ioc, source, source.slot(slot), registry),
      control_(ioc, options.control, handoff::hello{slot, ::getpid()}, tailer_.doorbell_fd(),
               [this](handoff::subscriber request, posix::unique_fd connection) {
                   on_handoff(std::move(request), std::move(connection));
               }),
      shutdown_deadline_(ioc) {}

worker::~worker() { registry_.on_empty(nullptr); }

void worker::start() {
    tailer_.start();
    control_.start();
}

void worker::stop(std::chrono::milliseconds grace) {
    if (stopping_) return;
    stopping_ = true;
    control_.stop();
    tailer_.stop();
    log::info("stopping: closing ", registry_.size(), " subscribers");
    if (registry_.size() == 0) return;  // nothing left holds the io_context
    registry_.on_empty([this] { shutdown_deadline_.cancel(); });
    shutdown_deadline_.expires_after(grace);
    shutdown_deadline_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;  // every subscriber left in time
        log::warning("stopping: ", registry_.size(), " subscribers did not close within the grace");
        ioc_.stop();
    });
    registry_.close_all_going_away();
}

void worker::on_handoff(handoff::subscriber request, posix::unique_fd connection) {
    if (stopping_) return;  // closing `connection` refuses it
    // PROTOCOL D5.2: a new subscriber receives exactly what is committed after
    // it is subscribed, and is subscribed before its 101. So: deliver what is
    // already on the bus to the others, then subscribe it and answer.
    tailer_.drain_committed();
    websocket_subscriber::start(ioc_, std::move(connection), std::move(request), registry_,
                                limits_);
}

}  // namespace hookbot::fanout
