// The time limits of a websocket_subscriber, enforced by one timer armed for
// the earliest of: the end of the current write (--write-timeout), the end of
// the close grace, and the keep-alive deadline (--ping-interval of silence
// sends a ping, --ping-timeout of silence closes). Re-arming happens only when
// a deadline earlier than the armed one appears, which is rare: the timer is
// not touched per message.
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>

#include "subscribers/exact_allocator.hpp"
#include "subscribers/websocket_subscriber.hpp"

namespace hookbot::fanout {
namespace beast = boost::beast;

void websocket_subscriber::arm_watchdog(clock::time_point at) {
    if (at == clock::time_point::max()) return;
    if (watchdog_armed_ && watchdog_at_ <= at) return;  // an earlier wake reconsiders
    watchdog_armed_ = true;
    watchdog_at_ = at;
    watchdog_.expires_at(at);  // cancels an armed wait: its handler sees operation_aborted
    watchdog_.async_wait(with_exact_allocation(
        beast::bind_front_handler(&websocket_subscriber::on_watchdog, shared_from_this())));
}

void websocket_subscriber::on_watchdog(beast::error_code ec) {
    if (ec == boost::asio::error::operation_aborted) return;  // re-armed, or finished
    watchdog_armed_ = false;
    if (state_.closed()) return;
    const auto now = clock::now();
    if (now >= close_deadline_) return finish(beast::error::timeout, "close");
    if (writing() && now >= write_deadline_) return finish(beast::error::timeout, "write");
    queue_.trim();  // an empty queue after a burst: the subscriber has gone quiet
    if (event_stream_) {
        // No pongs to wait for: a dead client shows in a write that fails or
        // times out. last_heard_ is when the last comment went out.
        if (state_.now() == close_handshake::state::open &&
            now - last_heard_ >= event_stream_keep_alive) {
            last_heard_ = now;
            controls_.keep_alive_comment();
            request_write();
        }
    } else if (state_.now() == close_handshake::state::open) {
        const auto silence = now - last_heard_;
        if (silence >= limits_.ping_timeout) return finish(beast::error::timeout, "keep-alive");
        if (silence >= limits_.ping_interval && !ping_in_flight_) {
            ping_in_flight_ = true;
            controls_.ping();
            request_write();
        }
    }
    arm_watchdog(next_deadline(now));
}

websocket_subscriber::clock::time_point websocket_subscriber::next_deadline(
    clock::time_point now) const {
    auto next = std::min(clock::time_point::max(), close_deadline_);
    if (writing()) next = std::min(next, write_deadline_);
    if (event_stream_) {
        if (state_.now() == close_handshake::state::open) {
            next = std::min(next, last_heard_ + event_stream_keep_alive);
        }
    } else if (state_.now() == close_handshake::state::open) {
        const bool pinged = now - last_heard_ >= limits_.ping_interval;
        next =
            std::min(next, last_heard_ + (pinged ? limits_.ping_timeout : limits_.ping_interval));
    }
    return next;
}

}  // namespace hookbot::fanout
