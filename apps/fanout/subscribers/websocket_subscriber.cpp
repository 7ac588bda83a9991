// A subscriber's life: the handshake, the deliveries, the close.
#include "subscribers/websocket_subscriber.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/websocket/error.hpp>
#include <stdexcept>
#include <utility>

#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace beast = boost::beast;

namespace {

// How long a stopping worker lets a subscriber finish its close handshake;
// the worker itself gives up on all of them after about two seconds.
constexpr std::chrono::seconds going_away_grace{1};

// Disconnects clients cause every day; logging them would drown the rest.
bool routine(const beast::error_code& ec) {
    return !ec || ec == asio::error::operation_aborted || ec == beast::websocket::error::closed ||
           ec == asio::error::eof || ec == beast::http::error::end_of_stream ||
           ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
           ec == asio::error::bad_descriptor || ec == asio::ssl::error::stream_truncated;
}

// One per process: the worker is single-threaded.
log::throttle subscriber_warnings(20, "subscriber warnings");

payload_kind kind_of(handoff::delivery_format format) {
    switch (format) {
        case handoff::delivery_format::json:
            return payload_kind::json;
        case handoff::delivery_format::event_stream:
            return payload_kind::event;
        case handoff::delivery_format::original:
            break;
    }
    return payload_kind::bare;  // the bus tailer frames a recursive subscription's
}

}  // namespace

void websocket_subscriber::start(std::unique_ptr<upgrade_handshake> handshake, std::string topic,
                                 bool recursive, subscriptions& registry,
                                 const subscriber_limits& limits, handoff::delivery_format format,
                                 std::string_view since) {
    auto self =
        std::make_shared<websocket_subscriber>(std::move(handshake), registry, limits, format);
    self->name_ = self->handshake_->peer() + " on \"" + topic + "\"";
    self->run(std::move(topic), recursive, since);
}

websocket_subscriber::websocket_subscriber(std::unique_ptr<upgrade_handshake> handshake,
                                           subscriptions& registry, const subscriber_limits& limits,
                                           handoff::delivery_format format)
    : subscriber(kind_of(format)),
      handshake_(std::move(handshake)),
      registry_(registry),
      limits_(limits),
      flushes_(asio::use_service<flush_queue>(handshake_->executor().context())),
      queue_(limits.queue),
      parser_(limits.max_client_message),
      watchdog_(handshake_->executor()),
      event_stream_(format == handoff::delivery_format::event_stream) {}

websocket_subscriber::~websocket_subscriber() {
    registry_.remove(*this);
}

void websocket_subscriber::run(std::string topic, bool recursive, std::string_view since) {
    try {
        registry_.add(*this, topic, recursive);
    } catch (const std::invalid_argument& e) {
        subscriber_warnings.warning("subscriber ", name_, " refused: ", e.what());
        return;  // the last reference goes: the connection closes
    }
    if (!since.empty()) start_replay(topic, recursive, since);
    last_heard_ = clock::now();
    handshake_->async_answer(
        limits_.write_timeout,  // the 101
        beast::bind_front_handler(&websocket_subscriber::on_answered, shared_from_this()));
}

void websocket_subscriber::on_answered(beast::error_code ec) {
    if (ec) return finish(ec, "websocket handshake");
    if (state_.closed()) return;
    transport_ = handshake_->take_transport(ec);
    if (!transport_) return finish(ec, "taking over the connection after the 101");
    handshake_.reset();  // with it Beast's stream and the request
    const auto then = state_.answered();
    last_heard_ = clock::now();
    // A first read now, not on readiness: OpenSSL may hold a record already.
    on_readable({});
    if (state_.closed()) return;
    if (then == close_handshake::action::queue_close) {
        return queue_close(close_after_101_.code, close_after_101_.reason);
    }
    arm_watchdog(next_deadline(last_heard_));
    if (!queue_.empty() || replay_) request_write();
}

push_result websocket_subscriber::deliver(const payload& message) {
    if (!state_.accepts_messages()) return push_result::dropped;
    if (replay_ || awaiting_stream_ || message->bus_seq < live_from_bus_seq_) {
        return push_result::already_sent;
    }
    const push_result result = queue_.push(message);
    if (result == push_result::overflow) {
        close(1008, "subscriber too slow", limits_.write_timeout,
              shm_ring::drop_cause::slow_subscriber);
    } else if (result == push_result::queued) {
        request_write();
    }
    return result;
}

void websocket_subscriber::close_going_away() {
    close(1001, "", going_away_grace, shm_ring::drop_cause::disconnected);
}

void websocket_subscriber::close(std::uint16_t code, const char* reason, clock::duration grace,
                                 shm_ring::drop_cause cause) {
    if (!state_.accepts_messages()) return;
    stop_delivering(grace, cause);
    replay_.reset();
    awaiting_stream_ = false;
    // An event stream has no close frame: its end is the connection's.
    if (event_stream_) return finish({}, "close");
    if (state_.we_close() == close_handshake::action::queue_close) {
        queue_close(code, reason);
    } else {
        close_after_101_ = close_request{code, reason};
    }
}

void websocket_subscriber::stop_delivering(clock::duration grace, shm_ring::drop_cause cause) {
    close_deadline_ = std::min(close_deadline_, clock::now() + grace);
    arm_watchdog(close_deadline_);
    // Nothing is sent after a close frame: unsubscribe now and count the
    // loss. A frame partly written is finished first.
    registry_.unsubscribe(*this);
    registry_.count_dropped(queue_.discard(front_offset_ > 0 ? 1 : 0), cause);
}

void websocket_subscriber::queue_close(std::uint16_t code, const char* reason) {
    controls_.close(code, reason);
    request_write();
}

void websocket_subscriber::finish(beast::error_code ec, const char* what) {
    if (state_.closed()) return;
    if (!routine(ec)) {
        subscriber_warnings.warning("subscriber ", name_, ": ", what, ": ", ec.message());
    }
    state_.end();
    registry_.remove(*this);
    registry_.count_dropped(queue_.discard(0), shm_ring::drop_cause::disconnected);
    watchdog_.cancel();
    if (handshake_) handshake_->abort();
    if (transport_) transport_->close(!ec);  // clean: the close handshake is done
}

}  // namespace hookbot::fanout
