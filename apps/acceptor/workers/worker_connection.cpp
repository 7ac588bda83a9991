#include "workers/worker_connection.hpp"

#include <fcntl.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <exception>

#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/doorbell.hpp"
#include "hookbot/shm_ring/message_id.hpp"

namespace hookbot::acceptor {
namespace {

// A handoff older than this is taken to be in the slot's subscriber count
// already: a worker completes a handshake in well under a second.
constexpr auto confirm_window = std::chrono::seconds(1);

}  // namespace

worker_connection::worker_connection(net::io_context& ioc, posix::unique_fd socket,
                                     shm_ring::bus& bus, std::size_t max_queued,
                                     closed_handler on_closed, const request_handlers& requests,
                                     const handoff::instance_description& description)
    : channel_(std::move(socket)),
      watch_(ioc, channel_.fd()),
      bus_(bus),
      max_queued_(max_queued),
      on_closed_(std::move(on_closed)),
      requests_(requests),
      description_(description) {}

worker_connection::~worker_connection() {
    boost::system::error_code ignored;
    watch_.cancel(ignored);
    (void)watch_.release();
}

void worker_connection::start() {
    do_wait_read();
}

void worker_connection::close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    watch_.cancel(ignored);
    if (!queue_.empty()) {
        log::warning("worker slot ", slot_, " pid ", pid_, " left with ", queue_.size(),
                     " subscribers not yet handed to it: their connections are closed");
    }
    queue_.clear();
    net::post(watch_.get_executor(), [self = shared_from_this()] { self->on_closed_(*self); });
}

std::uint64_t worker_connection::load(clock::time_point now) {
    const std::uint64_t current = bus_.slot(slot_).subscribers.load(std::memory_order_relaxed);
    if (current > observed_subscribers_) {
        unconfirmed_ -= std::min(unconfirmed_, current - observed_subscribers_);
    }
    observed_subscribers_ = current;
    if (now - last_handoff_ > confirm_window) unconfirmed_ = 0;
    return current + unconfirmed_;
}

void worker_connection::note_handoff() {
    ++unconfirmed_;
    last_handoff_ = clock::now();
}

bool worker_connection::offer(const handoff::subscriber& subscriber, int client) {
    if (!takes_subscribers()) return false;
    if (queue_.empty()) {
        try {
            switch (channel_.send(subscriber, client)) {
                case handoff::channel::send_result::sent:
                    note_handoff();
                    return true;
                case handoff::channel::send_result::closed:
                    close();
                    return false;
                case handoff::channel::send_result::would_block:
                    break;
            }
        } catch (const std::exception& e) {
            log::error("handoff to worker slot ", slot_, " pid ", pid_, " failed: ", e.what());
            close();
            return false;
        }
    }
    if (full()) return false;
    posix::unique_fd copy(::fcntl(client, F_DUPFD_CLOEXEC, 0));
    if (!copy) {
        log::error("handoff to worker slot ", slot_, ": cannot duplicate the client socket");
        return false;
    }
    queue_.push_back(pending{subscriber, std::move(copy)});
    note_handoff();
    do_wait_write();
    return true;
}

void worker_connection::ring_doorbell() noexcept {
    if (ready()) shm_ring::ring_if_serving(bus_.slot(slot_), doorbell_.get());
}

void worker_connection::do_wait_read() {
    watch_.async_wait(net::posix::stream_descriptor::wait_read,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                          self->on_readable(ec);
                      });
}

void worker_connection::on_readable(const boost::system::error_code& ec) {
    if (ec || closed_) return;
    try {
        for (;;) {
            std::optional<handoff::channel::received> received;
            switch (channel_.receive(received)) {
                case handoff::channel::receive_status::ready:
                    on_message(std::move(*received));
                    break;
                case handoff::channel::receive_status::would_block:
                    do_wait_read();
                    return;
                case handoff::channel::receive_status::closed:
                    if (ready_) log::info("worker left: slot ", slot_, " pid ", pid_);
                    close();
                    return;
            }
            if (closed_) return;
        }
    } catch (const std::exception& e) {
        log::error("control connection of worker slot ", slot_, " pid ", pid_, ": ", e.what());
        close();
    }
}

void worker_connection::on_message(handoff::channel::received received) {
    if (ready_ && std::holds_alternative<handoff::forwarded_request>(received.body)) {
        return on_forwarded_request(std::move(received));
    }
    if (ready_ && std::holds_alternative<handoff::draining>(received.body)) return on_draining();
    if (const auto* fetch = std::get_if<handoff::stream_fetch>(&received.body); ready_ && fetch) {
        return on_stream_fetch(*fetch);
    }
    if (!ready_ && std::holds_alternative<handoff::attach_query>(received.body)) {
        // The worker closes this connection once it has the answer.
        log::info("a worker asked which instance this is (hookbot-fanout --attach)");
        return send_or_queue(description_);
    }
    const auto* hello = std::get_if<handoff::hello>(&received.body);
    if (ready_ || hello == nullptr) {
        log::warning("worker slot ", slot_, " pid ", pid_,
                     " sent an unexpected message on its control connection: closing it");
        close();
        return;
    }
    on_hello(*hello, std::move(received.attached));
}

void worker_connection::on_hello(const handoff::hello& hello, posix::unique_fd doorbell) {
    if (hello.slot >= bus_.worker_slot_count() || !doorbell) {
        log::warning("worker pid ", hello.pid, " said hello with slot ", hello.slot,
                     doorbell ? "" : " and no doorbell", " (the bus has ", bus_.worker_slot_count(),
                     " slots): closing its connection");
        close();
        return;
    }
    if (hello.bus_epoch != bus_.epoch()) {
        // A worker of the bus this one replaced: it is stopping, and would
        // count as joined (serve ready) while it takes no subscriber.
        log::warning("worker pid ", hello.pid, " said hello from bus epoch ",
                     shm_ring::format_epoch(hello.bus_epoch), ", not this bus's (",
                     shm_ring::format_epoch(bus_.epoch()), "): closing its connection");
        close();
        return;
    }
    if (const auto holder = slot_holder_ ? slot_holder_(hello.slot) : std::nullopt) {
        // Its doorbell would replace the holder's, which could then sleep with
        // records waiting; the slot's counters would mix both workers'.
        log::warning("worker pid ", hello.pid, " said hello with slot ", hello.slot,
                     ", which worker pid ", *holder, " holds: closing its connection");
        close();
        return;
    }
    slot_ = hello.slot;
    pid_ = hello.pid;
    max_subscribers_ = hello.max_subscribers;
    doorbell_ = std::move(doorbell);
    observed_subscribers_ = bus_.slot(slot_).subscribers.load(std::memory_order_relaxed);
    ready_ = true;
    log::info("worker joined: slot ", slot_, " pid ", pid_, ", up to ", max_subscribers_,
              " subscribers");
    if (on_joined_) on_joined_();
    // A record appended before the hello may have found the worker asleep
    // without a doorbell to ring.
    ring_doorbell();
}

void worker_connection::on_draining() {
    if (draining_) return;
    draining_ = true;
    log::info("worker draining: slot ", slot_, " pid ", pid_, ": it gets no new subscribers");
    // Behind every handoff already queued for it: once the worker reads this,
    // nothing more comes.
    send_or_queue(handoff::draining_acknowledged{});
}

void worker_connection::on_forwarded_request(handoff::channel::received received) {
    auto& request = std::get<handoff::forwarded_request>(received.body);
    if (request.body_in_memfd != received.attached.valid() || !requests_.forwarded) {
        log::warning("worker slot ", slot_, " pid ", pid_, " forwarded request ", request.id,
                     request.body_in_memfd ? " without its body's memfd" : " with a stray fd",
                     ": closing its control connection");
        close();
        return;
    }
    requests_.forwarded(std::move(request), std::move(received.attached),
                        [self = shared_from_this()](handoff::message answer) {
                            self->send_or_queue(std::move(answer));
                        });
}

void worker_connection::on_stream_fetch(const handoff::stream_fetch& fetch) {
    if (!requests_.stream_fetch) {
        // Nothing read: the worker's resume goes on from its bus.
        return send_or_queue(handoff::nothing_read(fetch));
    }
    requests_.stream_fetch(fetch, [self = shared_from_this()](handoff::stream_messages answer,
                                                              posix::unique_fd batch) {
        self->send_or_queue(answer, std::move(batch));
    });
}

// Answers are never dropped: the worker bounds the requests it has in
// flight, which bounds this queue.
void worker_connection::send_or_queue(handoff::message m, posix::unique_fd attached) {
    if (closed_) return;
    if (queue_.empty()) {
        try {
            switch (channel_.send(m, attached.get())) {
                case handoff::channel::send_result::sent:
                    return;
                case handoff::channel::send_result::closed:
                    close();
                    return;
                case handoff::channel::send_result::would_block:
                    break;
            }
        } catch (const std::exception& e) {
            log::error("answer to worker slot ", slot_, " pid ", pid_, " failed: ", e.what());
            close();
            return;
        }
    }
    queue_.push_back(pending{std::move(m), std::move(attached)});
    do_wait_write();
}

void worker_connection::do_wait_write() {
    if (writing_ || closed_) return;
    writing_ = true;
    watch_.async_wait(net::posix::stream_descriptor::wait_write,
                      [self = shared_from_this()](const boost::system::error_code& ec) {
                          self->on_writable(ec);
                      });
}

void worker_connection::on_writable(const boost::system::error_code& ec) {
    writing_ = false;
    if (ec || closed_) return;
    try {
        while (!queue_.empty()) {
            const pending& next = queue_.front();
            switch (channel_.send(next.message, next.attached.get())) {
                case handoff::channel::send_result::sent:
                    queue_.pop_front();
                    break;
                case handoff::channel::send_result::would_block:
                    do_wait_write();
                    return;
                case handoff::channel::send_result::closed:
                    close();
                    return;
            }
        }
    } catch (const std::exception& e) {
        log::error("handoff to worker slot ", slot_, " pid ", pid_, " failed: ", e.what());
        close();
    }
}

}  // namespace hookbot::acceptor
