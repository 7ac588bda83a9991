#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "hookbot/client/connection.hpp"
#include "hookbot/client/server_url.hpp"

namespace hookbot::client {

// The original client's conventions (docs/PROTOCOL.md, kept by this project's
// client): keep-alive pings, a dead connection noticed in 40 s, at most 1 MiB
// per message, a reconnect after 5 s ± 1 s.
struct subscription_options {
    // Beast pings when half of this passed without a frame from the server
    // (20 s: the upper end of "every 15 s ± 5 s"), and closes the connection
    // when all of it passed (40 s without a pong).
    std::chrono::seconds dead_after{40};
    std::size_t max_message_bytes = std::size_t{1} << 20;
    std::chrono::milliseconds reconnect_delay{5000};
    std::chrono::milliseconds reconnect_jitter{1000};  // ± this, uniformly
    std::chrono::seconds connect_timeout{30};          // TCP, TLS and handshake each
};

// One websocket subscription that stays up: it connects, hands each message
// to the handler (and awaits it before reading the next, so a slow handler
// slows the reads, never queues without bound), and after any failure waits
// and connects again, until stop().
class subscription {
  public:
    // Called with each message; the subscription reads on when it completes.
    using message_handler = std::function<net::awaitable<void>(std::string message)>;

    // `headers` go with every handshake, after an Authorization made from the
    // URL's user (the token), as Basic (what the original's client sends).
    // `tls` is used for wss:// URLs and must outlive the subscription.
    subscription(const net::any_io_executor& executor, server_url url, header_list headers,
                 net::ssl::context& tls, subscription_options options = {});

    // Runs until stop(). Logs each connection, failure and reconnect.
    net::awaitable<void> run(message_handler on_message);

    // Ends run() after the message in hand, if any (also while it waits).
    void stop();

  private:
    template <typename Stream>
    net::awaitable<void> session(Stream& ws, const message_handler& on_message);
    net::awaitable<void> connect_and_read(const message_handler& on_message);
    std::chrono::milliseconds next_delay();

    net::any_io_executor executor_;
    server_url url_;
    header_list headers_;
    net::ssl::context& tls_;
    subscription_options options_;
    net::steady_timer retry_timer_;
    std::function<void()> close_current_;
    bool stopped_ = false;
};

}  // namespace hookbot::client
