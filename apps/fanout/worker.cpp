#include "worker.hpp"

#include <unistd.h>

#include <exception>
#include <utility>

#include "control/handed_subscriber.hpp"
#include "control/own_answers.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::fanout {
namespace {

// Requests one worker may have forwarded and not yet had answered; more get
// 503 at once. It bounds what the acceptor queues for this worker.
constexpr std::size_t max_forwarded_in_flight = 1024;

// How stale /metrics's subscribers per topic prefix may be.
constexpr std::chrono::milliseconds topic_prefix_refresh{500};

// Every subscriber's queue reports to the worker's backlog tracker, which
// paces the bus tailer.
subscriber_limits with_backlog_tracking(subscriber_limits limits, subscriptions& registry) {
    limits.queue.tracker = &registry.backlog();
    return limits;
}

}  // namespace

worker::worker(boost::asio::io_context& ioc, const shm_ring::bus& source, std::uint32_t slot,
               subscriptions& registry, const fanout_options& options,
               tls::context_source* tls_contexts)
    : ioc_(ioc),
      registry_(registry),
      limits_(with_backlog_tracking(options.limits, registry)),
      max_subscribers_(options.max_subscribers),
      tailer_(ioc, source, source.slot(slot), registry),
      control_(ioc, options.control,
               handoff::hello{slot, ::getpid(), options.max_subscribers, source.epoch()},
               tailer_.doorbell_fd(),
               [this](handoff::subscriber request, posix::unique_fd connection) {
                   on_handoff(std::move(request), std::move(connection));
               }),
      forwarder_(ioc, control_, max_forwarded_in_flight),
      stream_(ioc, control_),
      tls_shared_{forwarder_,
                  registry,
                  limits_,
                  [this] { tailer_.drain_committed(); },
                  source.max_body_bytes(),
                  options.http,
                  options.max_subscribers,
                  {}},
      source_(source),
      instance_(options.instance),
      bus_dir_(options.bus_dir),
      attached_(options.attach),
      drain_ack_deadline_(ioc),
      shutdown_deadline_(ioc),
      prefix_refresh_(ioc) {
    registry_.backlog().set_slow_after(options.slow_after);
    registry_.set_retention_age(options.retention_age);
    control_.on_answer(
        [this](handoff::message answer) { forwarder_.on_answer(std::move(answer)); });
    control_.on_stream_messages([this](handoff::stream_messages answer, posix::unique_fd batch) {
        stream_.on_answer(answer, std::move(batch));
    });
    registry_.resume_from_stream(&stream_);
    control_.on_lost([this] {
        forwarder_.on_lost();
        stream_.on_lost();
        // A drain waiting for the acceptor: gone, it hands nothing more.
        if (draining_) return close_subscribers();
        if (attached_ && !closing_) static_cast<void>(same_bus_as_joined());
    });
    if (attached_) control_.before_hello([this] { return same_bus_as_joined(); });
    control_.on_drained([this] {
        log::info("draining: the acceptor hands this worker no more subscribers");
        close_subscribers();
    });
    if (tls_contexts != nullptr && options.listen_fd) {
        tls_.emplace(ioc, *options.listen_fd, *tls_contexts, tls_shared_);
    }
}

worker::~worker() {
    registry_.on_empty(nullptr);
    registry_.resume_from_stream(nullptr);
}

void worker::start() {
    tailer_.start();
    control_.start();
    if (tls_) tls_->start();
    publish_topic_prefixes_every(topic_prefix_refresh);
}

void worker::publish_topic_prefixes_every(std::chrono::milliseconds period) {
    registry_.publish_topic_prefixes();
    prefix_refresh_.expires_after(period);
    prefix_refresh_.async_wait([this, period](const boost::system::error_code& ec) {
        if (!ec && !closing_) publish_topic_prefixes_every(period);
    });
}

void worker::stop(std::chrono::milliseconds grace) {
    if (draining_) return;
    draining_ = true;
    close_grace_ = grace;
    if (tls_) tls_->stop();
    if (!control_.send(handoff::draining{})) return close_subscribers();  // link down
    log::info("draining: ", registry_.size(),
              " subscribers; asked the acceptor to hand this worker no more");
    drain_ack_deadline_.expires_after(drain_ack_timeout);
    drain_ack_deadline_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;
        log::warning("draining: no acknowledgement from the acceptor within ",
                     drain_ack_timeout.count(), " ms; closing anyway");
        close_subscribers();
    });
}

bool worker::same_bus_as_joined() {
    std::uint64_t now_epoch = 0;
    try {
        now_epoch = shm_ring::bus::open(instance_, shm_ring::bus::access::reader, bus_dir_).epoch();
    } catch (const std::exception& e) {
        log::error("the instance this worker attached to is gone (", e.what(), "): stopping");
        exit_status_ = 1;
        close_subscribers();
        return false;
    }
    if (now_epoch == source_.epoch()) return true;
    log::error("instance \"", instance_, "\" was restarted (bus epoch ", source_.epoch(),
               " is now ", now_epoch,
               "): closing this worker's subscribers and stopping, to be attached again");
    exit_status_ = 1;
    close_subscribers();
    return false;
}

void worker::close_subscribers() {
    if (closing_) return;
    closing_ = true;
    drain_ack_deadline_.cancel();
    forwarder_.clear();
    control_.stop();
    tailer_.stop();
    prefix_refresh_.cancel();
    log::info("stopping: closing ", registry_.size(), " subscribers with 1001");
    // The io_context is stopped, not left to run out of work: when the
    // worker stops on its own (its instance gone or restarted), main's signal
    // wait (and a TLS listener) still hold it.
    if (registry_.size() == 0) return ioc_.stop();
    registry_.on_empty([this] { ioc_.stop(); });
    shutdown_deadline_.expires_after(close_grace_);
    shutdown_deadline_.async_wait([this](const boost::system::error_code& ec) {
        if (ec) return;  // the io_context went first
        log::warning("stopping: ", registry_.size(), " subscribers did not close within the grace");
        ioc_.stop();
    });
    registry_.close_all_going_away();
}

void worker::on_handoff(handoff::subscriber request, posix::unique_fd connection) {
    // Handed before the acceptor knew of the drain: it is served, and closed
    // with the others once the acknowledgement comes.
    if (closing_) return;  // closing `connection` refuses it
    if (registry_.size() >= max_subscribers_) {
        log_full_refusal(registry_.size());
        return refuse_handed_connection(std::move(connection));
    }
    // PROTOCOL D5.2: a new subscriber receives exactly what is committed after
    // it is subscribed, and is subscribed before its 101. So: deliver what is
    // already on the bus to the others, then subscribe it and answer.
    tailer_.drain_committed();
    start_handed_subscriber(ioc_, std::move(connection), std::move(request), registry_, limits_);
}

}  // namespace hookbot::fanout
