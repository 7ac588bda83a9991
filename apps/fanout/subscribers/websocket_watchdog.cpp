// The time limits of a websocket_subscriber, enforced by one timer armed for
// the earliest of: the end of the current write (--write-timeout), the end of
// the close grace, and the keep-alive deadline (--ping-interval of silence
// sends a ping, --ping-timeout of silence closes). Re-arming happens only when
// a deadline earlier than the armed one appears, which is rare: the timer is
// not touched per message.
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "frames/frame_header.hpp"
#include "subscribers/exact_allocator.hpp"
#include "subscribers/websocket_subscriber.hpp"

namespace hookbot::fanout {
namespace beast = boost::beast;

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::arm_watchdog(clock::time_point at) {
    if (at == clock::time_point::max()) return;
    if (watchdog_armed_ && watchdog_at_ <= at) return;  // an earlier wake reconsiders
    watchdog_armed_ = true;
    watchdog_at_ = at;
    watchdog_.expires_at(at);  // cancels an armed wait: its handler sees operation_aborted
    watchdog_.async_wait(with_exact_allocation(beast::bind_front_handler(
        &basic_websocket_subscriber::on_watchdog, this->shared_from_this())));
}

template <typename NextLayer>
void basic_websocket_subscriber<NextLayer>::on_watchdog(beast::error_code ec) {
    if (ec == boost::asio::error::operation_aborted) return;  // re-armed, or finished
    watchdog_armed_ = false;
    if (state_ == state::closed) return;
    const auto now = clock::now();
    if (close_deadline_ && now >= *close_deadline_) return finish(beast::error::timeout, "close");
    if (writing() && now >= write_deadline_) return finish(beast::error::timeout, "write");
    queue_.trim();  // an empty queue after a burst: the subscriber has gone quiet
    if (state_ == state::open) {
        const auto silence = now - last_heard_;
        if (silence >= limits_.ping_timeout) return finish(beast::error::timeout, "keep-alive");
        if (silence >= limits_.ping_interval && !ping_in_flight_) {
            ping_in_flight_ = true;
            ws_frame::append_control(pending_controls_, ws_frame::opcode::ping, {});
            request_write();
        }
    }
    arm_watchdog(next_deadline(now));
}

template <typename NextLayer>
typename basic_websocket_subscriber<NextLayer>::clock::time_point
basic_websocket_subscriber<NextLayer>::next_deadline(clock::time_point now) const {
    auto next = clock::time_point::max();
    if (close_deadline_) next = std::min(next, *close_deadline_);
    if (writing()) next = std::min(next, write_deadline_);
    if (state_ == state::open) {
        const bool pinged = now - last_heard_ >= limits_.ping_interval;
        next =
            std::min(next, last_heard_ + (pinged ? limits_.ping_timeout : limits_.ping_interval));
    }
    return next;
}

// The watchdog's members for the two streams websocket_subscriber.cpp
// instantiates the class for.
#define HOOKBOT_WATCHDOG_MEMBERS(stream)                                               \
    template void basic_websocket_subscriber<stream>::arm_watchdog(clock::time_point); \
    template void basic_websocket_subscriber<stream>::on_watchdog(beast::error_code);  \
    template basic_websocket_subscriber<stream>::clock::time_point                     \
        basic_websocket_subscriber<stream>::next_deadline(clock::time_point) const;
HOOKBOT_WATCHDOG_MEMBERS(beast::tcp_stream)
HOOKBOT_WATCHDOG_MEMBERS(tls_stream)
#undef HOOKBOT_WATCHDOG_MEMBERS

}  // namespace hookbot::fanout
