#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "handed_connection.hpp"
#include "hookbot/handoff/message.hpp"
#include "options.hpp"
#include "subscriber.hpp"
#include "subscriptions.hpp"

namespace hookbot::fanout {

// A TLS connection a worker accepted itself (built-in TLS).
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// One websocket subscriber, from the upgrade request to the close, over a
// plain TCP stream (handed over by the acceptor) or a TLS stream (accepted by
// this worker): the same code, with only the stream type changed. Kept alive
// by its pending read (shared_from_this); a single watchdog timer enforces the
// write timeout, the close grace and the keep-alive pings.
template <typename NextLayer>
class basic_websocket_subscriber final
    : public subscriber,
      public std::enable_shared_from_this<basic_websocket_subscriber<NextLayer>> {
public:
    // Subscribes the connection and starts the handshake, answering
    // `request`; the subscription is in effect before the 101 is sent
    // (PROTOCOL D5.2). The caller must have drained the bus first, so that
    // older records are not delivered. The stream must have no deadline set
    // (the websocket stream keeps its own). Logs and closes the connection
    // when the subscription is refused.
    static void start(NextLayer stream, upgrade_request request, std::string topic,
                      bool recursive, subscriptions& registry, const subscriber_limits& limits);

    basic_websocket_subscriber(NextLayer stream, upgrade_request request, subscriptions& registry,
                               const subscriber_limits& limits);
    ~basic_websocket_subscriber() override;
    basic_websocket_subscriber(const basic_websocket_subscriber&) = delete;
    basic_websocket_subscriber& operator=(const basic_websocket_subscriber&) = delete;

    push_result deliver(const payload& message) override;
    void close_going_away() override;

private:
    using clock = std::chrono::steady_clock;
    enum class state { handshaking, open, closing, closed };

    void run(std::string topic, bool recursive);
    void on_accept(boost::beast::error_code ec);
    void do_read();
    void on_read(boost::beast::error_code ec, std::size_t bytes);
    void do_write();
    void on_write(boost::beast::error_code ec, std::size_t bytes);
    // Sends a close frame; what is still queued is dropped for `cause`.
    void close(const boost::beast::websocket::close_reason& reason, clock::duration grace,
               shm_ring::drop_cause cause);
    void on_close(boost::beast::error_code ec);
    void on_ping(boost::beast::error_code ec);
    void arm_watchdog(clock::time_point at);
    void on_watchdog(boost::beast::error_code ec);
    [[nodiscard]] clock::time_point next_deadline(clock::time_point now) const;
    // The connection is over: unsubscribe, count what was never written, and
    // close the socket so every pending operation ends.
    void finish(boost::beast::error_code ec, const char* what);

    boost::beast::websocket::stream<NextLayer> ws_;
    upgrade_request request_;  // read by async_accept
    subscriptions& registry_;
    subscriber_limits limits_;
    std::string name_;  // "peer on topic", for log lines
    subscriber_queue queue_;
    boost::beast::flat_buffer read_buffer_;
    boost::asio::steady_timer watchdog_;

    state state_ = state::handshaking;
    bool writing_ = false;
    bool ping_in_flight_ = false;
    bool watchdog_armed_ = false;
    clock::time_point watchdog_at_{};
    clock::time_point last_heard_{};
    clock::time_point write_deadline_{};
    std::optional<clock::time_point> close_deadline_;
    // A close asked for during the handshake, sent once it is done.
    std::optional<boost::beast::websocket::close_reason> pending_close_;
};

// Both are instantiated once, in websocket_subscriber.cpp.
extern template class basic_websocket_subscriber<boost::beast::tcp_stream>;
extern template class basic_websocket_subscriber<tls_stream>;

using websocket_subscriber = basic_websocket_subscriber<boost::beast::tcp_stream>;
using tls_websocket_subscriber = basic_websocket_subscriber<tls_stream>;

// A connection the acceptor handed over (plain HTTP): adopts the fd, parses
// the request head and starts a websocket_subscriber on it. Logs and closes
// the connection when it is unusable.
void start_handed_subscriber(boost::asio::io_context& ioc, posix::unique_fd connection,
                             handoff::subscriber request, subscriptions& registry,
                             const subscriber_limits& limits);

}  // namespace hookbot::fanout
