#include "listen/forwarder.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "hookbot/posix/log.hpp"
#include "listen/forward_request.hpp"

namespace hookbot::listen {
namespace {

namespace net = boost::asio;
using std::chrono::milliseconds;

std::string id_of(const client::watch_message& message) {
    return message.id ? *message.id : std::string("(no id)");
}

}  // namespace

forward_verdict judge(const client::http_answer& answer, bool retry_4xx) noexcept {
    if (answer.error || answer.status >= 500 || answer.status == 0) return forward_verdict::retry;
    if (answer.status < 400) return forward_verdict::delivered;
    // "Later", not "never": a timeout on the target's side, or its rate limit.
    if (answer.status == 408 || answer.status == 429 || retry_4xx) return forward_verdict::retry;
    return forward_verdict::rejected;
}

forwarder::forwarder(const net::any_io_executor& executor, forward_config config,
                     net::ssl::context& tls)
    : config_(std::move(config)), tls_(tls), retry_timer_(executor), backoff_(config_.retry) {}

net::awaitable<client::disposition> forwarder::deliver(const client::watch_message& message) {
    backoff_.reset();
    for (unsigned attempt_number = 1; !interrupted_; ++attempt_number) {
        switch (co_await attempt(message, attempt_number)) {
            case forward_verdict::delivered:
                ++delivered_;
                co_return client::disposition::handled;
            case forward_verdict::rejected:
                ++skipped_;
                co_return client::disposition::handled;
            case forward_verdict::retry:
                break;
        }
        if (interrupted_) break;
        const milliseconds wait = backoff_.next_delay();
        log::warning("retrying message ", id_of(message), " in ", wait.count(), " ms");
        ++retries_;
        retry_timer_.expires_after(wait);
        auto [ec] = co_await retry_timer_.async_wait(net::as_tuple(net::use_awaitable));
        static_cast<void>(ec);  // cancelled: interrupted_ says so
    }
    log::warning("forwarding message ", id_of(message),
                 " was interrupted: not delivered, it comes again after a restart");
    co_return client::disposition::unhandled;
}

net::awaitable<forward_verdict> forwarder::attempt(const client::watch_message& message,
                                                   unsigned attempt_number) {
    const auto started = std::chrono::steady_clock::now();
    auto request = make_forward_request(config_.target, message);
    const std::string what =
        "message " + id_of(message) + " (" + std::string(request.method_string()) + ", " +
        std::to_string(message.body.size()) + " bytes) to " + config_.target.shown();
    const client::http_answer answer = co_await client::http_exchange(
        config_.target.server, std::move(request), tls_, config_.timeout, &abort_attempt_);
    const auto took =
        std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
    const std::string attempt_text =
        attempt_number > 1 ? ", attempt " + std::to_string(attempt_number) : std::string();
    const forward_verdict verdict = judge(answer, config_.retry_4xx);
    if (answer.error) {
        log::warning("forwarding ", what, " failed: ", answer.error.message(), " after ",
                     took.count(), " ms", attempt_text);
        co_return verdict;
    }
    const std::string status = "status " + std::to_string(answer.status) + " in " +
                               std::to_string(took.count()) + " ms" + attempt_text;
    switch (verdict) {
        case forward_verdict::delivered:
            log::info("forwarded ", what, ": ", status);
            break;
        case forward_verdict::rejected:
            log::warning("forwarded ", what, ": ", status,
                         "; skipped (a 4xx is not retried without --forward-retry-4xx)");
            break;
        case forward_verdict::retry:
            log::warning("forwarding ", what, " was answered ", status);
            break;
    }
    co_return verdict;
}

void forwarder::interrupt() {
    interrupted_ = true;
    retry_timer_.cancel();
    if (abort_attempt_) abort_attempt_();
}

std::string forwarder::summary() const {
    return "forwarded to " + config_.target.shown() + ": " + std::to_string(delivered_) +
           " delivered, " + std::to_string(skipped_) + " skipped, " + std::to_string(retries_) +
           " retries";
}

}  // namespace hookbot::listen
