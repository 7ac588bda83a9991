#include "hookbot/http_front/request_deadline.hpp"

#include <boost/asio/error.hpp>
#include <utility>

namespace hookbot::http_front {

request_deadline::request_deadline(const boost::asio::any_io_executor& executor,
                                   std::function<void()> on_expiry)
    : timer_(executor), on_expiry_(std::move(on_expiry)) {}

void request_deadline::cancel() noexcept {
    disarm();
    waiting_ = false;  // the cancelled wait's handler ends at once: a new arm waits anew
    timer_.cancel();
}

bool request_deadline::timed_out(const boost::beast::error_code& ec) const noexcept {
    return passed_ && ec == boost::asio::error::operation_aborted;
}

void request_deadline::wait(std::weak_ptr<void> owner) {
    waiting_ = true;
    timer_.expires_at(at_);  // cancels a later wait
    timer_.async_wait([this, owner = std::move(owner)](boost::beast::error_code ec) mutable {
        if (ec) return;  // replaced by an earlier wait, or cancelled
        // Locked before `this` is touched: the owner holds this deadline.
        if (const auto alive = owner.lock()) on_timer(std::move(owner));
    });
}

void request_deadline::on_timer(std::weak_ptr<void> owner) {
    waiting_ = false;
    if (at_ == std::chrono::steady_clock::time_point::max()) return;            // disarmed
    if (std::chrono::steady_clock::now() < at_) return wait(std::move(owner));  // moved on
    disarm();
    passed_ = true;
    on_expiry_();
}

}  // namespace hookbot::http_front
