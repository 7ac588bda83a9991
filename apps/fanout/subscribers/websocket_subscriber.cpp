#include "subscribers/websocket_subscriber.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/container/static_vector.hpp>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "frames/frame_header.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/posix/log_throttle.hpp"
#include "subscribers/exact_allocator.hpp"
#include "transport/tls_socket_io.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// How long a stopping worker lets a subscriber finish its close handshake;
// the worker itself gives up on all of them after about two seconds.
constexpr std::chrono::seconds going_away_grace{1};

// What one gathered write may hold: as many buffers as one writev takes in
// Asio (64), and no more bytes than the kernel would take at once anyway.
constexpr std::size_t max_write_buffers = 64;
constexpr std::size_t max_write_bytes = std::size_t{1} << 20;
using write_buffers = boost::container::static_vector<asio::const_buffer, max_write_buffers>;
static_assert(max_write_buffers <= UINT8_MAX, "retry_frames_ counts them in 8 bits");
// One TLS record's worth of plaintext: what a coalesced TLS write holds.
constexpr std::size_t max_tls_write_bytes = std::size_t{16} << 10;

// Reads per readiness: the rest waits a loop turn.
constexpr int max_reads_per_wake = 4;

// Pongs (and pings) waiting for the writer. A client that pings without
// reading the answers would grow them without bound; past this, pings go
// unanswered, as RFC 6455 5.5.3 allows (a pong may answer only the latest).
constexpr std::size_t max_pending_control_bytes = 4096;

// Disconnects clients cause every day; logging them would drown the rest.
bool routine(const beast::error_code& ec) {
    return !ec || ec == asio::error::operation_aborted || ec == websocket::error::closed ||
           ec == asio::error::eof || ec == http::error::end_of_stream ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::bad_descriptor || ec == asio::ssl::error::stream_truncated;
}

// One per process: the worker is single-threaded.
log::throttle subscriber_warnings(20, "subscriber warnings");

// What subscribers read into: one per thread (a worker has one), so an idle
// subscriber holds no read buffer. Its content is parsed before the next
// read, by whichever subscriber.
std::span<char> read_scratch() {
    thread_local std::array<char, 16 * 1024> scratch{};
    return scratch;
}

// Where TLS writes coalesce small frames, likewise shared: a write the
// socket does not take copies its bytes out before anything else is written.
std::span<char> tls_write_scratch() {
    thread_local std::array<char, max_tls_write_bytes> scratch{};
    return scratch;
}

std::string describe(const asio::ip::tcp::socket& socket, const std::string& topic) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    std::string name =
        ec ? std::string("?") : peer.address().to_string() + ":" + std::to_string(peer.port());
    return name + " on \"" + topic + "\"";
}

// The io_context executor behind `executor`: a worker's connections run on
// its io_context directly.
asio::io_context::executor_type io_context_executor(const asio::any_io_executor& executor) {
    const auto* target = executor.target<asio::io_context::executor_type>();
    if (target == nullptr) throw std::logic_error("subscriber not on an io_context executor");
    return *target;
}

}  // namespace

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::start(NextLayer stream, upgrade_request request,
                                                  std::string topic, bool recursive,
                                                  subscriptions& registry,
                                                  const subscriber_limits& limits) {
    auto self = std::make_shared<basic_websocket_subscriber>(std::move(stream), std::move(request),
                                                             registry, limits);
    self->name_ = describe(beast::get_lowest_layer(self->handshake_->ws).socket(), topic);
    self->run(std::move(topic), recursive);
}

template <typename NextLayer>
basic_websocket_subscriber<NextLayer>::basic_websocket_subscriber(NextLayer stream,
                                                                  upgrade_request request,
                                                                  subscriptions& registry,
                                                                  const subscriber_limits& limits)
    : handshake_(std::make_unique<handshake>(
          handshake{websocket::stream<NextLayer>(std::move(stream)), std::move(request)})),
      registry_(registry),
      limits_(limits),
      flushes_(asio::use_service<flush_queue>(
          io_context_executor(handshake_->ws.get_executor()).context())),
      queue_(limits.queue),
      parser_(limits.max_client_message),
      watchdog_(io_context_executor(handshake_->ws.get_executor())) {
    auto& ws = handshake_->ws;
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = limits_.write_timeout;  // the 101
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws.set_option(timeouts);
    ws.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, "hookbot"); }));
}

template <typename NextLayer>
basic_websocket_subscriber<NextLayer>::~basic_websocket_subscriber() {
    registry_.remove(*this);
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::run(std::string topic, bool recursive) {
    try {
        registry_.add(*this, std::move(topic), recursive);
    } catch (const std::invalid_argument& e) {
        subscriber_warnings.warning("subscriber ", name_, " refused: ", e.what());
        return;  // the last reference goes: the connection closes
    }
    last_heard_ = clock::now();
    handshake_->ws.async_accept(handshake_->request,
                                beast::bind_front_handler(&basic_websocket_subscriber::on_accept,
                                                          this->shared_from_this()));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_accept(beast::error_code ec) {
    if (ec) return finish(ec, "websocket handshake");
    if (state_ != state::handshaking) return;
    // The 101 is written and Beast read nothing beyond the request it was
    // given: the connection is ours, and the websocket stream can go.
    if constexpr (!is_tls) {
        stream_.emplace(handshake_->ws.next_layer().release_socket());
    } else if (!attach_tls()) {
        return;
    }
    handshake_.reset();
    socket().non_blocking(true, ec);
    if (ec) return finish(ec, "non-blocking mode");
    state_ = state::open;
    last_heard_ = clock::now();
    // A first read now, not on readiness: OpenSSL may hold a record already.
    on_readable({});
    if (state_ == state::closed) return;
    if (pending_close_) {
        state_ = state::closing;
        return queue_close(pending_close_->code, pending_close_->reason);
    }
    arm_watchdog(next_deadline(last_heard_));
    if (!queue_.empty()) request_write();
}

template <typename NextLayer>
asio::ip::tcp::socket& basic_websocket_subscriber<NextLayer>::socket() noexcept {
    if constexpr (is_tls) {
        return stream_->socket;
    } else {
        return *stream_;
    }
}

template <typename NextLayer>
bool basic_websocket_subscriber<NextLayer>::attach_tls() {
    if constexpr (is_tls) {
        NextLayer& tls = handshake_->ws.next_layer();
        tls_socket_io::ssl_handle ssl = tls_socket_io::share(tls.native_handle());
        if (!ssl) {
            finish(asio::error::no_memory, "TLS on the socket");
            return false;
        }
        // While the stream still holds its end of the BIO pair: attach
        // checks it for bytes the client sent early.
        const int fd = beast::get_lowest_layer(tls).socket().native_handle();
        if (const auto ec = tls_socket_io::attach(ssl.get(), fd)) {
            finish(ec, "TLS on the socket (did the client send before the 101?)");
            return false;
        }
        stream_.emplace(tls_connection{tls.next_layer().release_socket(), std::move(ssl)});
    }
    return true;
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::do_read(asio::socket_base::wait_type wait) {
    // Pending for as long as the client is silent: see exact_allocation.
    socket().async_wait(wait,
                        with_exact_allocation(beast::bind_front_handler(
                            &basic_websocket_subscriber::on_readable, this->shared_from_this())));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_readable(beast::error_code ec) {
    if (state_ == state::closed) return;
    if (ec) return finish(ec, "read");
    const std::span<char> scratch = read_scratch();
    // What OpenSSL holds of a record raises no readiness: it is read now.
    for (int reads = 0; reads < max_reads_per_wake || buffered(); ++reads) {
        bool write_first = false;
        const std::size_t bytes = read_some(scratch, write_first, ec);
        if (ec) return finish(ec, "read");
        if (write_first) return do_read(asio::socket_base::wait_write);
        if (bytes == 0) break;  // nothing more now
        if (!consume(scratch.first(bytes))) return;
        if (bytes < scratch.size() && !buffered()) break;  // drained
    }
    do_read();
}

template <typename NextLayer>
std::size_t basic_websocket_subscriber<NextLayer>::read_some(std::span<char> into,
                                                             bool& write_first,
                                                             beast::error_code& ec) {
    if constexpr (is_tls) {
        const auto read = tls_socket_io::read(stream_->native_handle(), into);
        write_first = read.wait_for == tls_socket_io::wait::writable;
        ec = read.error;
        return read.bytes;
    } else {
        const std::size_t bytes = stream_->read_some(asio::buffer(into.data(), into.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
        return bytes;
    }
}

template <typename NextLayer>
bool basic_websocket_subscriber<NextLayer>::buffered() noexcept {
    if constexpr (is_tls) {
        return SSL_has_pending(stream_->native_handle()) == 1;
    } else {
        return false;
    }
}

template <typename NextLayer>
bool basic_websocket_subscriber<NextLayer>::consume(std::span<char> data) {
    // Any frame proves the client alive, a pong as much as data.
    last_heard_ = clock::now();
    using kind = client_frame_parser::kind;
    while (!data.empty() && !peer_closed_) {
        client_frame_parser::event event;
        data = data.subspan(parser_.feed(data, event));
        switch (event.what) {
            case kind::none:
            case kind::pong:
                break;
            case kind::ping:
                if (!close_queued_ && pending_controls_.size() < max_pending_control_bytes) {
                    ws_frame::append_control(pending_controls_, ws_frame::opcode::pong,
                                             event.payload);
                    request_write();
                }
                break;
            case kind::close:
                peer_closed_ = true;
                if (close_sent_) {
                    finish({}, "close");
                    return false;
                }
                close(event.close_code, "", limits_.write_timeout,
                      shm_ring::drop_cause::disconnected);
                break;
            case kind::error:
                close(event.close_code, "", limits_.write_timeout,
                      shm_ring::drop_cause::disconnected);
                break;
        }
    }
    return state_ != state::closed;
}

template <typename NextLayer>
push_result basic_websocket_subscriber<NextLayer>::deliver(const payload& message) {
    const bool closing = state_ == state::closing || state_ == state::closed || pending_close_;
    if (closing) return push_result::dropped;
    const push_result result = queue_.push(message);
    if (result == push_result::overflow) {
        close(1008, "subscriber too slow", limits_.write_timeout,
              shm_ring::drop_cause::slow_subscriber);
    } else if (result == push_result::queued) {
        request_write();
    }
    return result;
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::request_write() {
    if (state_ == state::handshaking || state_ == state::closed) return;
    // What the bus tailer queues until the flush queue comes to this
    // subscriber goes in the same write; a write waiting on the client takes
    // the rest when it completes.
    if (flush_scheduled_ || writing()) return;
    flush_scheduled_ = true;
    flushes_.schedule(this->shared_from_this());
}

template <typename NextLayer>
template <typename Buffers>
void basic_websocket_subscriber<NextLayer>::collect(Buffers& buffers, std::size_t max_buffers,
                                                    std::size_t max_bytes) {
    std::size_t bytes = 0;
    auto add = [&](std::string_view part) {
        buffers.push_back(asio::buffer(part.data(), part.size()));
        bytes += part.size();
    };
    front_first_ = front_offset_ > 0;
    std::size_t next = 0;
    if (front_first_) {
        add(std::string_view(queue_.front()->frame).substr(front_offset_));
        next = 1;
    }
    if (buffers.size() < max_buffers) {
        if (sending_controls_.empty()) sending_controls_.swap(pending_controls_);
        if (!sending_controls_.empty()) {
            add(std::string_view(sending_controls_).substr(controls_offset_));
        }
    }
    if (close_queued_) return;
    for (; next < queue_.size() && buffers.size() < max_buffers && bytes < max_bytes; ++next) {
        add(queue_.at(next)->frame);
    }
}

template <typename NextLayer>
bool basic_websocket_subscriber<NextLayer>::account(std::size_t bytes) {
    // Frames written in full leave the queue together, after the loop.
    std::size_t written = 0;
    const std::uint32_t now_us = shm_ring::monotonic_us32();
    auto take_front = [&] {
        const outgoing_message& message = *queue_.at(written);
        const std::size_t taken = std::min(bytes, message.frame.size() - front_offset_);
        front_offset_ += taken;
        bytes -= taken;
        if (front_offset_ < message.frame.size()) return;
        registry_.count_written(message.commit_us, now_us);
        ++written;
        front_offset_ = 0;
    };
    if (front_first_) take_front();
    if (!sending_controls_.empty()) {
        const std::size_t taken = std::min(bytes, sending_controls_.size() - controls_offset_);
        controls_offset_ += taken;
        bytes -= taken;
        if (controls_offset_ == sending_controls_.size()) {
            sending_controls_.clear();
            controls_offset_ = 0;
        }
    }
    while (bytes > 0) take_front();
    queue_.pop(written);
    if (sending_controls_.empty() && pending_controls_.empty()) {
        ping_in_flight_ = false;
        if (close_queued_ && !close_sent_) {
            close_sent_ = true;
            if (peer_closed_) {
                finish({}, "close");
                return false;
            }
        }
    }
    return state_ != state::closed;
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::write_failed(beast::error_code ec) {
    registry_.count_dropped(queue_.discard(0), shm_ring::drop_cause::disconnected);
    finish(ec, "write");
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::flush() {
    flush_scheduled_ = false;
    if (state_ == state::closed || writing()) return;
    for (;;) {
        bool blocked = false;
        beast::error_code ec;
        const std::size_t written = is_tls ? write_tls(blocked, ec) : write_plain(blocked, ec);
        if (ec) return write_failed(ec);
        if (written > 0 && !account(written)) return;
        if (blocked) return wait_writable();
        if (written == 0) return;  // nothing left to write
    }
}

template <typename NextLayer>
std::size_t basic_websocket_subscriber<NextLayer>::write_plain(bool& blocked,
                                                               beast::error_code& ec) {
    if constexpr (!is_tls) {
        write_buffers buffers;
        collect(buffers, max_write_buffers, max_write_bytes);
        if (buffers.empty()) return 0;
        // Non-blocking: what the kernel takes now, the rest when writable.
        const std::size_t written = stream_->write_some(buffers, ec);
        registry_.count_socket_write();
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            ec = {};
            blocked = true;
            return 0;
        }
        // A short write: the kernel's buffer is full.
        blocked = !ec && written < asio::buffer_size(buffers);
        return written;
    }
    return 0;
}

template <typename NextLayer>
std::size_t basic_websocket_subscriber<NextLayer>::write_tls(bool& blocked, beast::error_code& ec) {
    if constexpr (is_tls) {
        std::span<const char> out = tls_retry_;
        std::size_t parts_out = 0;  // of those collected, how many `out` holds
        write_buffers parts;
        if (!retrying()) {
            collect(parts, max_write_buffers, max_tls_write_bytes);
            if (parts.empty()) return 0;
            out = {static_cast<const char*>(parts.front().data()), parts.front().size()};
            parts_out = 1;
            if (parts.size() > 1 && out.size() < max_tls_write_bytes) {
                // Small frames go out coalesced: one record and one syscall for
                // many. What does not fit waits for the next record.
                const std::span<char> scratch = tls_write_scratch();
                std::size_t size = 0;
                for (parts_out = 0; parts_out < parts.size() && size < scratch.size();
                     ++parts_out) {
                    const asio::const_buffer& part = parts[parts_out];
                    const std::size_t taken = std::min(part.size(), scratch.size() - size);
                    std::memcpy(scratch.data() + size, part.data(), taken);
                    size += taken;
                }
                out = scratch.first(size);
            }
        }
        const auto result = tls_socket_io::write(stream_->native_handle(), out);
        registry_.count_socket_write();
        if (result.wait_for == tls_socket_io::wait::writable) {
            // OpenSSL may hold a record of these bytes: the retry offers
            // them again, from a copy if they lie in the shared scratch.
            if (!retrying()) {
                if (out.data() == tls_write_scratch().data()) {
                    tls_retry_buffer_.assign(out.data(), out.size());
                    out = tls_retry_buffer_;
                }
                // The queued frames among them stay queued if the
                // subscriber closes meanwhile (collect's order: the front's
                // rest, the control frames, then frames).
                const std::size_t controls_at = front_first_ ? 1 : 0;
                const bool has_controls = !sending_controls_.empty() && controls_at < parts_out;
                retry_frames_ = static_cast<std::uint8_t>(parts_out - (has_controls ? 1 : 0));
            }
            tls_retry_ = out;
            blocked = true;
            return 0;
        }
        if (result.wait_for == tls_socket_io::wait::readable) {
            // Renegotiation is off: no write of ours waits on the client.
            ec = asio::ssl::error::unexpected_result;
            return 0;
        }
        ec = result.error;
        if (retrying() && !ec) {
            tls_retry_ = {};
            std::string().swap(tls_retry_buffer_);
        }
        return result.bytes;
    }
    return 0;
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::wait_writable() {
    waiting_writable_ = true;
    write_deadline_ = clock::now() + limits_.write_timeout;
    arm_watchdog(write_deadline_);
    socket().async_wait(asio::ip::tcp::socket::wait_write,
                        beast::bind_front_handler(&basic_websocket_subscriber::on_writable,
                                                  this->shared_from_this()));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_writable(beast::error_code ec) {
    waiting_writable_ = false;
    if (state_ == state::closed) return;
    if (ec) return write_failed(ec);
    flush();
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::close_going_away() {
    close(1001, "", going_away_grace, shm_ring::drop_cause::disconnected);
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::close(std::uint16_t code, const char* reason,
                                                  clock::duration grace,
                                                  shm_ring::drop_cause cause) {
    if (state_ == state::closing || state_ == state::closed) return;
    const auto deadline = clock::now() + grace;
    if (!close_deadline_ || deadline < *close_deadline_) close_deadline_ = deadline;
    arm_watchdog(*close_deadline_);
    // Nothing is sent after a close frame: unsubscribe now and count the
    // loss. A frame partly written (or held by a TLS write that waits to be
    // retried) is finished first.
    registry_.unsubscribe(*this);
    const std::size_t writing_frames = retrying() ? retry_frames_ : front_offset_ > 0 ? 1 : 0;
    registry_.count_dropped(queue_.discard(writing_frames), cause);
    if (state_ == state::handshaking) {
        if (!pending_close_) pending_close_ = close_request{code, reason};
        return;
    }
    state_ = state::closing;
    queue_close(code, reason);
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::queue_close(std::uint16_t code, const char* reason) {
    ws_frame::append_close(pending_controls_, code, reason);
    close_queued_ = true;
    request_write();
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::finish(beast::error_code ec, const char* what) {
    if (state_ == state::closed) return;
    state_ = state::closed;
    if (!routine(ec)) {
        subscriber_warnings.warning("subscriber ", name_, ": ", what, ": ", ec.message());
    }
    registry_.remove(*this);
    registry_.count_dropped(queue_.discard(0), shm_ring::drop_cause::disconnected);
    watchdog_.cancel();
    close_socket(!ec);
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::close_socket(bool clean) {
    beast::error_code ignored;
    if (handshake_) {
        beast::get_lowest_layer(handshake_->ws).socket().close(ignored);
        return;
    }
    if constexpr (is_tls) {
        // After the close handshake the TLS stream ends properly too, if the
        // socket takes the alert now; a half-written record cannot be ended.
        if (clean && !retrying()) {
            tls_socket_io::send_close_notify(stream_->native_handle());
        }
    }
    // The client's close was read (or it is gone): end our side cleanly.
    socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    socket().close(ignored);
}

template class basic_websocket_subscriber<beast::tcp_stream>;
template class basic_websocket_subscriber<tls_stream>;

}  // namespace hookbot::fanout
