#include "cluster/nats/nats_event_loop.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <utility>

#include "cluster/nats/nats_handles.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor::nats {

namespace net = boost::asio;

std::shared_ptr<event_loop> event_loop::make(net::io_context& ioc,
                                             std::function<void()> after_read) {
    return std::make_shared<event_loop>(token{}, ioc, std::move(after_read));
}

event_loop::event_loop(token /*unused*/, net::io_context& ioc, std::function<void()> after_read)
    : ioc_(ioc), after_read_(std::move(after_read)) {}

event_loop::~event_loop() {
    close_socket();
}

void event_loop::install(natsOptions* options) {
    // The loop pointer the client hands back to on_attach is this object.
    check(natsOptions_SetEventLoop(options, this, on_attach, on_read, on_write, on_detach),
          "NATS event loop");
}

natsStatus event_loop::on_attach(void** user, void* loop, natsConnection* connection,
                                 natsSock socket) noexcept {
    auto* self = static_cast<event_loop*>(loop);
    *user = self;
    // Ours to poll and to close: see the class comment.
    posix::unique_fd mine(::fcntl(socket, F_DUPFD_CLOEXEC, 0));
    if (!mine) return NATS_SYS_ERROR;
    const std::uint64_t generation = ++self->generation_;
    try {
        net::post(self->ioc_, [weak = self->weak_from_this(), generation, connection,
                               mine = std::move(mine)]() mutable {
            if (const auto alive = weak.lock())
                alive->attached(generation, connection, std::move(mine));
        });
    } catch (...) {
        return NATS_NO_MEMORY;
    }
    return NATS_OK;
}

natsStatus event_loop::on_read(void* user, bool add) noexcept {
    // The client asks to stop reading when it drops a socket (it then
    // reconnects, or closes); it never asks to start again but by attaching.
    if (add) return NATS_OK;
    auto* self = static_cast<event_loop*>(user);
    try {
        net::post(self->ioc_,
                  [weak = self->weak_from_this(), generation = self->generation_.load()] {
                      if (const auto loop = weak.lock()) loop->stopped(generation);
                  });
    } catch (...) {
        return NATS_NO_MEMORY;
    }
    return NATS_OK;
}

natsStatus event_loop::on_write(void* user, bool add) noexcept {
    auto* self = static_cast<event_loop*>(user);
    // Under the client's lock, as every change of what it holds to write:
    // ordered with them.
    self->write_wanted_.store(add, std::memory_order_release);
    if (!add || self->write_posted_.exchange(true, std::memory_order_acq_rel)) return NATS_OK;
    // A post, not a write now: what else this turn of the loop publishes
    // joins it (posted from the loop's own thread, it runs after the
    // handlers already due), and a callback must not call the client back.
    try {
        net::post(self->ioc_, [weak = self->weak_from_this()] {
            if (const auto loop = weak.lock()) loop->write();
        });
    } catch (...) {
        self->write_posted_.store(false);
        return NATS_NO_MEMORY;
    }
    return NATS_OK;
}

natsStatus event_loop::on_detach(void* user) noexcept {
    auto* self = static_cast<event_loop*>(user);
    try {
        net::post(self->ioc_, [weak = self->weak_from_this()] {
            if (const auto loop = weak.lock()) {
                loop->close_socket();
                loop->connection_ = nullptr;
            }
        });
    } catch (...) {
        return NATS_NO_MEMORY;
    }
    return NATS_OK;
}

void event_loop::attached(std::uint64_t generation, natsConnection* connection,
                          posix::unique_fd socket) {
    connection_ = connection;
    if (generation != generation_.load(std::memory_order_acquire)) return;  // a newer one follows
    close_socket();
    boost::system::error_code ec;
    socket_.emplace(ioc_);
    socket_->assign(socket.release(), ec);
    if (ec) {
        log::error("cluster: cannot poll the NATS socket: ", ec.message());
        socket_.reset();
        return;
    }
    socket_generation_ = generation;
    wait_readable();
    // What the client buffered before this socket was ours to poll.
    if (write_wanted_.load(std::memory_order_acquire)) write();
}

void event_loop::stopped(std::uint64_t generation) {
    if (generation == socket_generation_) close_socket();
}

void event_loop::close_socket() {
    if (!socket_) return;
    boost::system::error_code ignored;
    socket_->close(ignored);  // our dup: the client's fd stays as it is
    socket_.reset();
    socket_generation_ = 0;  // what its waits still deliver is stale
    read_waiting_ = write_waiting_ = false;
}

void event_loop::wait_readable() {
    if (!socket_ || read_waiting_) return;
    read_waiting_ = true;
    // An async_wait re-arms asio's edge-triggered registration, so a socket
    // that holds more than one read took reports readable again at once.
    socket_->async_wait(net::posix::stream_descriptor::wait_read,
                        [weak = weak_from_this(),
                         generation = socket_generation_](const boost::system::error_code& ec) {
                            const auto loop = weak.lock();
                            if (!loop || ec || generation != loop->socket_generation_) return;
                            loop->read_waiting_ = false;
                            loop->readable(generation);
                        });
}

void event_loop::readable(std::uint64_t generation) {
    if (connection_ == nullptr) return;
    // A socket at its end stays readable: once the client has read that end
    // (and reconnects), polling it again would spin until it is replaced.
    char byte = 0;
    const ssize_t peeked = ::recv(socket_->native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    const bool ended =
        peeked == 0 || (peeked < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
    // One read of at most the client's buffer; it parses what it read and
    // queues replies on their subscriptions.
    natsConnection_ProcessReadEvent(connection_);
    after_read_();
    if (generation != socket_generation_) return;  // replaced or closed meanwhile
    if (ended) return close_socket();
    wait_readable();
}

void event_loop::write() {
    write_posted_.store(false, std::memory_order_release);
    if (connection_ == nullptr || write_waiting_ ||
        !write_wanted_.load(std::memory_order_acquire)) {
        return;
    }
    // Writes what the socket takes; the client calls on_write(false) once
    // all of it went out.
    natsConnection_ProcessWriteEvent(connection_);
    if (!write_wanted_.load(std::memory_order_acquire) || !socket_) return;
    write_waiting_ = true;
    socket_->async_wait(net::posix::stream_descriptor::wait_write,
                        [weak = weak_from_this(),
                         generation = socket_generation_](const boost::system::error_code& ec) {
                            const auto loop = weak.lock();
                            if (!loop || ec || generation != loop->socket_generation_) return;
                            loop->write_waiting_ = false;
                            loop->write();
                        });
}

void event_loop::write_now() {
    write();
}

}  // namespace hookbot::acceptor::nats
