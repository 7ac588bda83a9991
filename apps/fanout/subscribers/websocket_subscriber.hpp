#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

#include "delivery/flush_queue.hpp"
#include "delivery/subscriber.hpp"
#include "frames/client_frame_parser.hpp"
#include "subscribers/subscriber_limits.hpp"
#include "transport/upgrade_request.hpp"
#include "topics/subscriptions.hpp"
#include "transport/tls_socket_io.hpp"

namespace hookbot::fanout {

// A TLS connection a worker accepted itself (built-in TLS).
using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;

// One websocket subscriber, from the upgrade request to the close, over a
// plain TCP stream (handed over by the acceptor) or a TLS stream (accepted by
// this worker). Beast's websocket stream answers the upgrade only; it is then
// freed with the request, and the connection is served by this class alone,
// in as few bytes as it can be:
// - writes: queued frames (shared, built once per bus record by the bus
//   tailer) and this subscriber's control frames go out gathered, up to 64
//   frames or 1 MiB per writev on plain TCP, written synchronously on the
//   non-blocking socket when the worker's flush_queue comes to it, waiting
//   for writability only when the kernel's buffer is full. TLS (OpenSSL on
//   the socket itself from the 101 on: see tls_socket_io) copies small
//   queued frames into one buffer of 16 KiB shared by the worker's
//   subscribers (one record, one syscall) and writes a large frame as it is;
//   only a write the socket did not take keeps its bytes, for the retry.
// - reads: wait for readability and read into one buffer shared by every
//   subscriber of the worker, feeding a client_frame_parser (a few dozen
//   bytes of state).
// Kept alive by its pending read (shared_from_this); a single watchdog timer
// enforces the write timeout, the close grace and the keep-alive pings.
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
    // when the subscription is refused. `registry` and `limits` must outlive
    // the subscriber (the worker's own: they outlive its io_context's run).
    static void start(NextLayer stream, upgrade_request request, std::string topic, bool recursive,
                      subscriptions& registry, const subscriber_limits& limits);

    basic_websocket_subscriber(NextLayer stream, upgrade_request request, subscriptions& registry,
                               const subscriber_limits& limits);
    ~basic_websocket_subscriber() override;
    basic_websocket_subscriber(const basic_websocket_subscriber&) = delete;
    basic_websocket_subscriber& operator=(const basic_websocket_subscriber&) = delete;

    push_result deliver(const payload& message) override;
    void flush() override;
    void close_going_away() override;

  private:
    using clock = std::chrono::steady_clock;
    static constexpr bool is_tls = std::is_same_v<NextLayer, tls_stream>;
    // TLS after the handshake: the socket, and OpenSSL reading and writing
    // it (tls_socket_io) without Asio's stream.
    struct tls_connection {
        boost::asio::ip::tcp::socket socket;
        tls_socket_io::ssl_handle ssl;
        [[nodiscard]] SSL* native_handle() const noexcept { return ssl.get(); }
    };
    // What the connection is after the handshake.
    using transport = std::conditional_t<is_tls, tls_connection, boost::asio::ip::tcp::socket>;
    struct handshake {
        boost::beast::websocket::stream<NextLayer> ws;
        upgrade_request request;  // read by async_accept
    };
    struct no_buffer {};
    using tls_retry_buffer = std::conditional_t<is_tls, std::string, no_buffer>;
    using tls_retry_bytes = std::conditional_t<is_tls, std::span<const char>, no_buffer>;
    enum class state : std::uint8_t { handshaking, open, closing, closed };
    // A close asked for during the handshake, sent once it is done.
    struct close_request {
        std::uint16_t code;
        const char* reason;  // a string literal
    };

    void run(std::string topic, bool recursive);
    void on_accept(boost::beast::error_code ec);

    boost::asio::ip::tcp::socket& socket() noexcept;
    // TLS: takes the socket and the SSL from the handshake's stream and
    // switches OpenSSL to the socket. False when the connection is over.
    bool attach_tls();
    // Waits for readability (or, for a TLS read that must write first,
    // writability), then reads.
    void do_read(boost::asio::socket_base::wait_type wait = boost::asio::socket_base::wait_read);
    void on_readable(boost::beast::error_code ec);
    // One read: the bytes read, 0 when there is nothing to read now;
    // `write_first` when a TLS read must wait for writability.
    std::size_t read_some(std::span<char> into, bool& write_first, boost::beast::error_code& ec);
    // OpenSSL holds plaintext or a record's rest.
    [[nodiscard]] bool buffered() noexcept;
    // Parses what the client sent. False when the connection is over.
    bool consume(std::span<char> data);

    // Schedules a flush, unless one is scheduled or a write waits already.
    void request_write();
    void wait_writable();
    void on_writable(boost::beast::error_code ec);
    // Writes as much as the socket takes now. Returns the plaintext bytes
    // written, 0 with `blocked` set when the socket is full.
    std::size_t write_plain(bool& blocked, boost::beast::error_code& ec);
    std::size_t write_tls(bool& blocked, boost::beast::error_code& ec);
    // Collects up to `max_buffers` of what is to be written next, in order:
    // the rest of a partly written front frame, the control frames, then the
    // queued frames (none after a close frame), stopping once `max_bytes`
    // are reached.
    template <typename Buffers>
    void collect(Buffers& buffers, std::size_t max_buffers, std::size_t max_bytes);
    // Accounts `bytes` written of what collect() gave: frames written are
    // counted and popped. False when the connection is over.
    bool account(std::size_t bytes);
    void write_failed(boost::beast::error_code ec);
    // A write waits on the client: the write timeout runs.
    [[nodiscard]] bool writing() const noexcept { return waiting_writable_; }
    // TLS: OpenSSL holds part of tls_retry_, and the next write must offer
    // those bytes again.
    [[nodiscard]] bool retrying() const noexcept {
        if constexpr (is_tls) return !tls_retry_.empty();
        return false;
    }

    // Queues a close frame; what is still queued is dropped for `cause`.
    void close(std::uint16_t code, const char* reason, clock::duration grace,
               shm_ring::drop_cause cause);
    void queue_close(std::uint16_t code, const char* reason);
    void arm_watchdog(clock::time_point at);
    void on_watchdog(boost::beast::error_code ec);
    [[nodiscard]] clock::time_point next_deadline(clock::time_point now) const;
    // The connection is over: unsubscribe, count what was never written, and
    // close the socket so every pending operation ends.
    void finish(boost::beast::error_code ec, const char* what);
    // `clean`: the close handshake is done (TLS then sends close_notify).
    void close_socket(bool clean);

    std::unique_ptr<handshake> handshake_;  // until the 101 is written
    std::optional<transport> stream_;       // from then on
    subscriptions& registry_;
    // The worker's: a reference is 8 bytes per subscriber, a copy 56.
    const subscriber_limits& limits_;
    flush_queue& flushes_;  // the io_context's
    std::string name_;      // "peer on topic", for log lines
    subscriber_queue queue_;
    client_frame_parser parser_;
    // Typed on the io_context's executor rather than any_io_executor: the
    // timer and its pending wait, alive for the connection's whole life, are
    // the smaller for it.
    boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>,
                                      boost::asio::io_context::executor_type>
        watchdog_;
    // Control frames (pong, ping, close) waiting for the writer, and those
    // being written: a write in flight may point into `sending_controls_`.
    std::string pending_controls_;
    std::string sending_controls_;
    std::size_t controls_offset_ = 0;  // bytes of sending_controls_ written
    std::size_t front_offset_ = 0;     // bytes of the queue's front frame written
    // TLS: the bytes a write the socket did not take must offer again, and
    // their copy when they were coalesced in the worker's shared buffer.
    [[no_unique_address]] tls_retry_bytes tls_retry_{};
    [[no_unique_address]] tls_retry_buffer tls_retry_buffer_{};

    state state_ = state::handshaking;
    bool front_first_ = false;       // the write collected began with the front's rest
    std::uint8_t retry_frames_ = 0;  // TLS: queued frames tls_retry_ holds bytes of
    bool flush_scheduled_ = false;
    bool waiting_writable_ = false;
    bool ping_in_flight_ = false;
    bool close_queued_ = false;  // no frame may follow
    bool close_sent_ = false;
    bool peer_closed_ = false;  // the client's close frame arrived
    bool watchdog_armed_ = false;
    clock::time_point watchdog_at_{};
    clock::time_point last_heard_{};
    clock::time_point write_deadline_{};
    std::optional<clock::time_point> close_deadline_;
    std::optional<close_request> pending_close_;
};

// Both are instantiated once, in websocket_subscriber.cpp.
extern template class basic_websocket_subscriber<boost::beast::tcp_stream>;
extern template class basic_websocket_subscriber<tls_stream>;

using websocket_subscriber = basic_websocket_subscriber<boost::beast::tcp_stream>;
using tls_websocket_subscriber = basic_websocket_subscriber<tls_stream>;

}  // namespace hookbot::fanout
