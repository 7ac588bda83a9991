#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "workers/least_loaded.hpp"
#include "workers/worker_connection.hpp"

namespace hookbot::acceptor {

// The fanout workers this acceptor hands subscribers to. Workers connect to
// the control socket the supervisor keeps listening (and so may come and go,
// restarted or added by an operator); each says hello before it gets work.
class worker_pool {
  public:
    // `control_listener`: the listening SOCK_SEQPACKET socket.
    worker_pool(net::io_context& ioc, shm_ring::bus& bus, posix::unique_fd control_listener,
                std::size_t max_queued_per_worker);

    void start();
    // Stops taking new workers; the connected ones stay.
    void stop_accepting();

    // Gives `client` to the least-loaded ready worker (the caller keeps and
    // then closes its own fd). False when no worker can take it: none is
    // ready, or each has its queue full or its --max-subscribers reached.
    bool hand_off(const handoff::subscriber& subscriber, int client);

    // After every append (the acceptor is the bus's single writer): wakes
    // every sleeping worker with subscribers (shm_ring::ring_if_serving) once
    // the current event-loop turn has run, so a burst of appends costs one
    // eventfd write per worker, not one each.
    void ring_doorbells() noexcept;

    // What a worker that attaches (hookbot-fanout --attach) is told.
    void describe_instance(handoff::instance_description description) {
        description_ = std::move(description);
    }

    // Built-in TLS: answers the requests workers read and forward. Unset, a
    // forwarded request closes the worker's connection.
    void on_forwarded_request(worker_connection::request_handler handler) {
        requests_.forwarded = std::move(handler);
    }
    // Cluster mode: serves resumes older than the bus from the stream.
    void on_stream_fetch(worker_connection::fetch_handler handler) {
        requests_.stream_fetch = std::move(handler);
    }

    // Called each time a worker has said a valid hello.
    void on_worker_joined(std::function<void()> handler) { on_joined_ = std::move(handler); }

    // The lowest bus_seq read so far (slot blob_read_bus_seq) by a ready
    // worker with subscribers; nullopt when there is none. A worker without
    // subscribers holds no publisher back: it has nothing to deliver, and
    // catches up with the bus before it takes one.
    [[nodiscard]] std::optional<std::uint64_t> slowest_reader() const;

    [[nodiscard]] std::size_t ready_workers() const noexcept;
    [[nodiscard]] std::size_t queued_handoffs() const noexcept;

  private:
    void do_wait_accept();
    void on_acceptable(const boost::system::error_code& ec);
    void remove(worker_connection& worker);
    // The pid of the ready worker on `slot`, if one is.
    [[nodiscard]] std::optional<std::int32_t> holder_of(std::uint32_t slot) const;
    void flush_doorbells() noexcept;

    net::io_context& ioc_;
    shm_ring::bus& bus_;
    net::posix::stream_descriptor listener_;
    net::steady_timer retry_;
    std::size_t max_queued_;
    std::vector<std::shared_ptr<worker_connection>> workers_;
    worker_connection::request_handlers requests_;
    std::function<void()> on_joined_;
    handoff::instance_description description_;
    least_loaded_choice choice_;
    std::vector<std::uint64_t> loads_;  // scratch for hand_off
    bool doorbells_due_ = false;        // a flush_doorbells is posted
};

}  // namespace hookbot::acceptor
