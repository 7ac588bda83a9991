#pragma once

#include <nats/nats.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::acceptor::nats {

// Drives one NATS connection's socket from the acceptor's io_context: the
// client's "external event loop" mode (natsOptions_SetEventLoop), in which
// the client starts no reader thread and writes nothing itself. Why: a
// publish and its acknowledgement then cost no thread hop. What the
// acceptor publishes in one turn of its loop goes out in one write, and
// the socket is read, and the acknowledgements in it handled
// (`after_read`), on the acceptor's thread.
//
// Threads. The client calls the four callbacks below from any of its
// threads (the reconnect thread attaches a new socket; the ping timer, the
// link's watcher and fetcher, and the thread that remakes an ordered
// consumer write), always under the connection's lock. So a callback only dups the
// socket, sets an atomic, and posts to the io_context; everything asio, and
// every natsConnection_Process{Read,Write}Event call, happens on the
// io_context's thread. Nothing that thread does holds a lock of ours while
// it calls the client (the callbacks run under the client's lock: that
// order would deadlock).
//
// The socket. The client owns its fd and closes it from any thread (a
// stale connection is closed by the ping timer), and a new socket may get
// the same number at once: the descriptor asio polls is a dup of our own,
// closed only here, so asio never polls a number that means another file.
// Each attach has a generation; what a stale one's events ask is ignored.
//
// Lifetime. Posted handlers hold a weak_ptr: none acts after this is gone.
// The connection must be closed and destroyed (no callback in flight or to
// come) before this is, and this destroyed on the io_context's thread or
// once it stopped running.
class event_loop : public std::enable_shared_from_this<event_loop> {
  public:
    // `after_read`: on the io_context's thread after each read of the socket.
    static std::shared_ptr<event_loop> make(boost::asio::io_context& ioc,
                                            std::function<void()> after_read);
    event_loop(const event_loop&) = delete;
    event_loop& operator=(const event_loop&) = delete;
    ~event_loop();

    // Before natsConnection_Connect with these options.
    void install(natsOptions* options);
    // Writes what the client holds now, as far as the socket takes it
    // without waiting (io_context's thread; before closing the connection,
    // which otherwise waits up to 500 ms for a loop that is not running).
    void write_now();

  private:
    struct token {};

  public:
    event_loop(token /*made by make()*/, boost::asio::io_context& ioc,
               std::function<void()> after_read);

  private:
    static natsStatus on_attach(void** user, void* loop, natsConnection* connection,
                                natsSock socket) noexcept;
    static natsStatus on_read(void* user, bool add) noexcept;
    static natsStatus on_write(void* user, bool add) noexcept;
    static natsStatus on_detach(void* user) noexcept;

    // On the io_context's thread.
    void attached(std::uint64_t generation, natsConnection* connection, posix::unique_fd socket);
    void stopped(std::uint64_t generation);
    void wait_readable();
    void readable(std::uint64_t generation);
    void write();
    void close_socket();

    boost::asio::io_context& ioc_;
    std::function<void()> after_read_;

    // Any thread (the callbacks).
    std::atomic<std::uint64_t> generation_{0};  // of the newest attach
    std::atomic<bool> write_wanted_{false};     // the client holds bytes to write
    std::atomic<bool> write_posted_{false};     // a write() is posted, not yet run

    // The io_context's thread only.
    natsConnection* connection_ = nullptr;                         // null once detached
    std::optional<boost::asio::posix::stream_descriptor> socket_;  // our dup
    std::uint64_t socket_generation_ = 0;
    bool read_waiting_ = false;
    bool write_waiting_ = false;
};

}  // namespace hookbot::acceptor::nats
