#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "hookbot/client/envelope.hpp"
#include "hookbot/client/http_exchange.hpp"
#include "hookbot/client/reconnect_backoff.hpp"
#include "hookbot/client/retrying_watch.hpp"
#include "listen/forward_target.hpp"

namespace hookbot::listen {

struct forward_config {
    forward_target target;
    bool insecure = false;   // --forward-insecure: the target's certificate is not checked
    bool retry_4xx = false;  // --forward-retry-4xx
    std::chrono::milliseconds timeout{30000};  // --forward-timeout: one whole attempt
    // Between attempts at one message: from 1 s, doubling, to --forward-retry-max, ± 20 %.
    client::backoff_options retry{std::chrono::milliseconds{1000}, std::chrono::milliseconds{30000},
                                  0.2, std::chrono::milliseconds{0}};
};

// What an answer (or its absence) means for the message in hand.
enum class forward_verdict {
    delivered,  // 1xx to 3xx: the target took it
    rejected,   // 4xx: the target will not take it; skipped unless retry_4xx
    retry,      // no answer (refused, reset, timed out, TLS), 5xx, 408 or 429: try again
};
forward_verdict judge(const client::http_answer& answer, bool retry_4xx) noexcept;

// `hookbot listen --forward`: delivers each message to the target as the
// request it was published as (forward_request.hpp), one at a time. A
// message is retried, with capped and jittered backoff, until the target
// takes it (or rejects it with a 4xx): the next message is not read before,
// so none overtakes another, and the watch saves a message's id as handled
// (--state) only once its delivery is over. Every attempt is logged with
// its status (or error) and latency.
class forwarder {
  public:
    // `tls` checks the target's certificate (or not: forward_config::insecure)
    // and must outlive the forwarder.
    forwarder(const boost::asio::any_io_executor& executor, forward_config config,
              boost::asio::ssl::context& tls);

    // handled once delivered or skipped; unhandled when interrupted.
    boost::asio::awaitable<client::disposition> deliver(const client::watch_message& message);

    // Ends the attempt or the wait in hand (its message is not handled: it
    // comes again after a restart); later deliveries start none. For SIGINT/SIGTERM.
    void interrupt();

    // "forwarded to URL: 12 delivered, 1 skipped, 3 retries": the line a
    // stop logs.
    [[nodiscard]] std::string summary() const;

  private:
    boost::asio::awaitable<forward_verdict> attempt(const client::watch_message& message,
                                                    unsigned attempt_number);

    forward_config config_;
    boost::asio::ssl::context& tls_;
    boost::asio::steady_timer retry_timer_;
    client::reconnect_backoff backoff_;
    std::function<void()> abort_attempt_;
    bool interrupted_ = false;
    std::uint64_t delivered_ = 0;
    std::uint64_t skipped_ = 0;
    std::uint64_t retries_ = 0;
};

}  // namespace hookbot::listen
