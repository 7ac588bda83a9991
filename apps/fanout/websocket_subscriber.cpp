#include "websocket_subscriber.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <stdexcept>
#include <utility>

#include "hookbot/posix/log.hpp"
#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

namespace {

// How long a stopping worker lets a subscriber finish its close handshake;
// the worker itself gives up on all of them after about two seconds.
constexpr std::chrono::seconds going_away_grace{1};

// Disconnects clients cause every day; logging them would drown the rest.
bool routine(const beast::error_code& ec) {
    return !ec || ec == asio::error::operation_aborted || ec == websocket::error::closed ||
           ec == asio::error::eof || ec == http::error::end_of_stream ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::bad_descriptor || ec == asio::ssl::error::stream_truncated;
}

// One per process: the worker is single-threaded.
log::throttle subscriber_warnings(20, "subscriber warnings");

std::string describe(const asio::ip::tcp::socket& socket, const std::string& topic) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    std::string name = ec ? std::string("?") : peer.address().to_string() + ":" +
                                                   std::to_string(peer.port());
    return name + " on \"" + topic + "\"";
}

}  // namespace

void start_handed_subscriber(asio::io_context& ioc, posix::unique_fd connection,
                             handoff::subscriber request, subscriptions& registry,
                             const subscriber_limits& limits) {
    beast::error_code ec;
    auto head = parse_request_head(request.request_head, ec);
    if (!head) {
        subscriber_warnings.warning("subscriber on \"", request.topic,
                                    "\": unreadable request head (", ec.message(),
                                    "); closing it");
        return;
    }
    auto socket = adopt_tcp_socket(ioc, std::move(connection), ec);
    if (!socket) {
        subscriber_warnings.warning("subscriber on \"", request.topic,
                                    "\": cannot adopt its connection (", ec.message(),
                                    "); closing it");
        return;
    }
    websocket_subscriber::start(beast::tcp_stream(std::move(*socket)), std::move(*head),
                                std::move(request.topic), request.recursive, registry, limits);
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::start(NextLayer stream, upgrade_request request,
                                                  std::string topic, bool recursive,
                                                  subscriptions& registry,
                                                  const subscriber_limits& limits) {
    auto self = std::make_shared<basic_websocket_subscriber>(std::move(stream), std::move(request),
                                                             registry, limits);
    self->name_ = describe(beast::get_lowest_layer(self->ws_).socket(), topic);
    self->run(std::move(topic), recursive);
}

template <typename NextLayer>
basic_websocket_subscriber<NextLayer>::basic_websocket_subscriber(NextLayer stream,
                                                                  upgrade_request request,
                                                                  subscriptions& registry,
                                                                  const subscriber_limits& limits)
    : ws_(std::move(stream)),
      request_(std::move(request)),
      registry_(registry),
      limits_(limits),
      queue_(limits.queue),
      watchdog_(ws_.get_executor()) {
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = limits_.write_timeout;  // the 101 and the close
    timeouts.idle_timeout = websocket::stream_base::none();  // the watchdog pings
    timeouts.keep_alive_pings = false;
    ws_.set_option(timeouts);
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& response) { response.set(http::field::server, "hookbot"); }));
    ws_.binary(true);
    // Client messages are read only to be ignored (D5.3): bound what they cost.
    ws_.read_message_max(limits_.max_client_message);
    // A pong (or ping, or close) proves the client alive as much as data does.
    ws_.control_callback(
        [this](websocket::frame_type, std::string_view) { last_heard_ = clock::now(); });
}

template <typename NextLayer>
basic_websocket_subscriber<NextLayer>::~basic_websocket_subscriber() { registry_.remove(*this); }

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::run(std::string topic, bool recursive) {
    try {
        registry_.add(*this, std::move(topic), recursive);
    } catch (const std::invalid_argument& e) {
        subscriber_warnings.warning("subscriber ", name_, " refused: ", e.what());
        return;  // the last reference goes: the connection closes
    }
    last_heard_ = clock::now();
    ws_.async_accept(request_, beast::bind_front_handler(&basic_websocket_subscriber::on_accept,
                                                         this->shared_from_this()));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_accept(beast::error_code ec) {
    if (ec) return finish(ec, "websocket handshake");
    if (state_ != state::handshaking) return;
    state_ = state::open;
    last_heard_ = clock::now();
    do_read();
    if (pending_close_) {
        state_ = state::closing;
        ws_.async_close(*pending_close_,
                        beast::bind_front_handler(&basic_websocket_subscriber::on_close,
                                                  this->shared_from_this()));
        return;
    }
    arm_watchdog(next_deadline(last_heard_));
    if (!queue_.empty()) do_write();
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::do_read() {
    ws_.async_read(read_buffer_, beast::bind_front_handler(&basic_websocket_subscriber::on_read,
                                                           this->shared_from_this()));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_read(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return finish(ec, "read");
    last_heard_ = clock::now();
    read_buffer_.clear();
    do_read();
}

template <typename NextLayer>
push_result basic_websocket_subscriber<NextLayer>::deliver(const payload& message) {
    const bool closing = state_ == state::closing || state_ == state::closed || pending_close_;
    if (closing) return push_result::dropped;
    const push_result result = queue_.push(message);
    if (result == push_result::overflow) {
        close(websocket::close_reason(websocket::close_code::policy_error,
                                      "subscriber too slow"),
              limits_.write_timeout, shm_ring::drop_cause::slow_subscriber);
    } else if (result == push_result::queued && state_ == state::open && !writing_) {
        do_write();
    }
    return result;
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::do_write() {
    writing_ = true;
    write_deadline_ = clock::now() + limits_.write_timeout;
    arm_watchdog(write_deadline_);
    ws_.async_write(asio::buffer(queue_.front()->bytes),
                    beast::bind_front_handler(&basic_websocket_subscriber::on_write,
                                              this->shared_from_this()));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_write(beast::error_code ec, std::size_t /*bytes*/) {
    writing_ = false;
    if (ec) {
        registry_.count_dropped(queue_.discard(false), shm_ring::drop_cause::disconnected);
        return finish(ec, "write");
    }
    registry_.count_written(queue_.front()->commit_us);
    queue_.pop();
    if (state_ == state::open && !queue_.empty()) do_write();
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::close_going_away() {
    close(websocket::close_reason(websocket::close_code::going_away), going_away_grace,
          shm_ring::drop_cause::disconnected);
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::close(const websocket::close_reason& reason,
                                                  clock::duration grace,
                                                  shm_ring::drop_cause cause) {
    if (state_ == state::closing || state_ == state::closed) return;
    const auto deadline = clock::now() + grace;
    if (!close_deadline_ || deadline < *close_deadline_) close_deadline_ = deadline;
    arm_watchdog(*close_deadline_);
    // Nothing is sent after a close frame: unsubscribe now and count the loss.
    registry_.unsubscribe(*this);
    registry_.count_dropped(queue_.discard(writing_), cause);
    if (state_ == state::handshaking) {
        if (!pending_close_) pending_close_ = reason;
        return;
    }
    state_ = state::closing;
    ws_.async_close(reason, beast::bind_front_handler(&basic_websocket_subscriber::on_close,
                                                      this->shared_from_this()));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_close(beast::error_code ec) { finish(ec, "close"); }

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_ping(beast::error_code ec) {
    ping_in_flight_ = false;
    if (ec) finish(ec, "ping");
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::finish(beast::error_code ec, const char* what) {
    if (state_ == state::closed) return;
    state_ = state::closed;
    if (!routine(ec)) subscriber_warnings.warning("subscriber ", name_, ": ", what, ": ", ec.message());
    registry_.remove(*this);
    registry_.count_dropped(queue_.discard(writing_), shm_ring::drop_cause::disconnected);
    watchdog_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
}

template class basic_websocket_subscriber<beast::tcp_stream>;
template class basic_websocket_subscriber<tls_stream>;

}  // namespace hookbot::fanout
