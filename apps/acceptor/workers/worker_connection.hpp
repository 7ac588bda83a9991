#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include "hookbot/handoff/channel.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::acceptor {

namespace net = boost::asio;

// The acceptor's end of one fanout worker's control connection. It waits for
// the worker's hello (slot, pid, doorbell eventfd), then takes subscriber
// handoffs, sending each at once or, when the socket is full, queueing it
// (bounded) until the socket drains. EOF or a protocol error closes it and
// tells the pool through `on_closed` (posted, never from inside a call).
// With built-in TLS the worker also forwards the requests it reads; each is
// answered through `on_request` and the answer sent back when it is ready
// (the worker matches answers to requests by id).
// A worker that attaches asks first, on a connection of its own, which
// instance this is (attach_query → `description`). A worker that drains says
// so and gets no more subscribers; its doorbell still rings until it leaves.
class worker_connection : public std::enable_shared_from_this<worker_connection> {
  public:
    using clock = std::chrono::steady_clock;
    using closed_handler = std::function<void(worker_connection&)>;
    // Answers a forwarded request (with a forwarded_response or a
    // forwarded_subscribe) through the reply callback, at once or later;
    // the fd is the body's memfd, if any.
    using reply_handler = std::function<void(handoff::message)>;
    using request_handler =
        std::function<void(handoff::forwarded_request, posix::unique_fd, reply_handler)>;
    // Cluster mode: answers a resume's stream_fetch, at once or later, with
    // the batch's memfd (or none).
    using fetch_reply = std::function<void(handoff::stream_messages, posix::unique_fd)>;
    using fetch_handler = std::function<void(const handoff::stream_fetch&, fetch_reply)>;
    // What the pool answers for its workers. Unset, a forwarded request
    // closes the connection, and a stream_fetch gets nothing (not a cluster).
    struct request_handlers {
        request_handler forwarded;
        fetch_handler stream_fetch;
    };

    // `requests` are read at each request (they may be set after this is
    // made); they and `description` must outlive this object.
    worker_connection(net::io_context& ioc, posix::unique_fd socket, shm_ring::bus& bus,
                      std::size_t max_queued, closed_handler on_closed,
                      const request_handlers& requests,
                      const handoff::instance_description& description);
    ~worker_connection();
    worker_connection(const worker_connection&) = delete;
    worker_connection& operator=(const worker_connection&) = delete;

    void start();
    void close();
    // Called once, after the worker's valid hello.
    void on_joined(std::function<void()> handler) { on_joined_ = std::move(handler); }
    // Asked at a hello: the pid of another ready worker on that slot, if any.
    // A second hello for a held slot is refused.
    using slot_holder_query = std::function<std::optional<std::int32_t>(std::uint32_t slot)>;
    void ask_slot_holder(slot_holder_query query) { slot_holder_ = std::move(query); }

    // After a valid hello, until closed.
    [[nodiscard]] bool ready() const noexcept { return ready_ && !closed_; }
    // Ready and not draining: may be handed new subscribers.
    [[nodiscard]] bool takes_subscribers() const noexcept { return ready() && !draining_; }
    [[nodiscard]] std::uint32_t slot() const noexcept { return slot_; }
    [[nodiscard]] std::int32_t pid() const noexcept { return pid_; }
    [[nodiscard]] std::size_t queued() const noexcept { return queue_.size(); }
    [[nodiscard]] bool full() const noexcept { return queue_.size() >= max_queued_; }
    // The most subscribers the worker said (hello) it takes.
    [[nodiscard]] std::uint64_t max_subscribers() const noexcept { return max_subscribers_; }

    // Live subscribers (from the worker's slot) plus handoffs sent recently
    // that the worker may not have counted yet.
    [[nodiscard]] std::uint64_t load(clock::time_point now);

    // Hands `client` (the caller keeps its fd) to this worker. False when the
    // connection is closed or its queue is full.
    bool offer(const handoff::subscriber& subscriber, int client);

    // After every append: wakes the worker if it sleeps on its doorbell.
    void ring_doorbell() noexcept;

  private:
    struct pending {
        handoff::message message;
        // A handed client (a duplicate: the session closes its own), or a
        // stream batch's memfd.
        posix::unique_fd attached;
    };

    void do_wait_read();
    void on_readable(const boost::system::error_code& ec);
    void on_message(handoff::channel::received received);
    void on_forwarded_request(handoff::channel::received received);
    void on_stream_fetch(const handoff::stream_fetch& fetch);
    void on_hello(const handoff::hello& hello, posix::unique_fd doorbell);
    void on_draining();
    // Sends `m` (with `attached`, if valid) now or queues it behind what
    // waits already.
    void send_or_queue(handoff::message m, posix::unique_fd attached = {});
    void do_wait_write();
    void on_writable(const boost::system::error_code& ec);
    void note_handoff();

    handoff::channel channel_;
    // Readiness of channel_.fd() for the event loop; released, never closed,
    // because channel_ owns the descriptor.
    net::posix::stream_descriptor watch_;
    shm_ring::bus& bus_;
    std::size_t max_queued_;
    closed_handler on_closed_;
    const request_handlers& requests_;
    const handoff::instance_description& description_;

    bool ready_ = false;
    std::function<void()> on_joined_;
    slot_holder_query slot_holder_;
    bool draining_ = false;
    bool closed_ = false;
    bool writing_ = false;
    std::uint32_t slot_ = 0;
    std::int32_t pid_ = 0;
    std::uint64_t max_subscribers_ = 0;
    posix::unique_fd doorbell_;
    std::deque<pending> queue_;

    // Handoffs not yet seen in the slot's subscriber count (see load()).
    std::uint64_t unconfirmed_ = 0;
    std::uint64_t observed_subscribers_ = 0;
    clock::time_point last_handoff_{};
};

}  // namespace hookbot::acceptor
