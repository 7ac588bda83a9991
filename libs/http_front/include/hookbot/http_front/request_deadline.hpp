#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <functional>
#include <memory>

namespace hookbot::http_front {

// One deadline for the whole of what a connection waits for (a request head,
// a body, the write of an answer), not one per read: a client trickling a
// byte at a time cannot hold a connection. When it passes, `on_expiry` runs
// (it cancels the socket's operations); their handlers then see
// operation_aborted, which timed_out() tells apart from other cancels.
//
// Arming or disarming only sets a time: the timer waits for the earliest
// deadline set since it last fired and from there waits again for a later
// one. So a keep-alive request costs no timer operation (each costs a lock,
// a heap update, and when cancelled a handler run through the event loop).
class request_deadline {
  public:
    request_deadline(const boost::asio::any_io_executor& executor, std::function<void()> on_expiry);

    // `owner` is the session: the timer holds it weakly (its pending
    // operations keep it alive, not this).
    template <typename Owner>
    void arm(std::chrono::milliseconds after, Owner& owner) {
        passed_ = false;
        at_ = std::chrono::steady_clock::now() + after;
        // A pending wait that ends no later re-checks then (on_timer).
        if (waiting_ && timer_.expiry() <= at_) return;
        wait(owner.weak_from_this());
    }
    void disarm() noexcept { at_ = std::chrono::steady_clock::time_point::max(); }
    // Disarms and stops the timer: the session is ending.
    void cancel() noexcept;

    [[nodiscard]] bool timed_out(const boost::beast::error_code& ec) const noexcept;

  private:
    void wait(std::weak_ptr<void> owner);
    void on_timer(std::weak_ptr<void> owner);

    boost::asio::steady_timer timer_;
    std::function<void()> on_expiry_;
    std::chrono::steady_clock::time_point at_ = std::chrono::steady_clock::time_point::max();
    bool waiting_ = false;  // a wait of timer_ is pending
    bool passed_ = false;
};

}  // namespace hookbot::http_front
