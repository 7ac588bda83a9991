#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "hookbot/client/connection.hpp"
#include "hookbot/client/reconnect_backoff.hpp"
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
    // 5 s ± 20 % every time: the original's fixed delay, which never grows.
    backoff_options reconnect{std::chrono::milliseconds{5000}, std::chrono::milliseconds{5000}, 0.2,
                              std::chrono::milliseconds{30000}};
    std::chrono::seconds connect_timeout{30};  // TCP, TLS and handshake each
};

// One message as it came off the websocket.
struct received_frame {
    std::string payload;
    bool text = false;  // a text frame, else binary
};

// Why a connection failed or ended, reported before the wait that follows.
struct subscription_error {
    enum class stage { connect, tls, handshake, read };
    stage where = stage::connect;
    boost::system::error_code error;
    unsigned status = 0;                    // the HTTP status of a refused handshake, else 0
    std::string description;                // one line: what failed, on which server, why
    std::chrono::milliseconds retry_in{0};  // when the next attempt starts
};

// One websocket subscription that stays up: it connects, hands each message
// to the handler (and awaits it before reading the next, so a slow handler
// slows the reads, never queues without bound), and after any failure waits
// (reconnect_backoff) and connects again, until stop().
class subscription {
  public:
    // Called with each message; the subscription reads on when it completes.
    using message_handler = std::function<net::awaitable<void>(std::string message)>;
    using frame_handler = std::function<net::awaitable<void>(received_frame frame)>;
    // Called with each failure; the subscription then waits error.retry_in.
    using error_handler = std::function<void(const subscription_error& error)>;

    // `headers` go with every handshake, after an Authorization made from the
    // URL's user (the token), as Basic (what the original's client sends).
    // `tls` is used for wss:// URLs and must outlive the subscription.
    subscription(const net::any_io_executor& executor, server_url url, header_list headers,
                 net::ssl::context& tls, subscription_options options = {});

    // Runs until stop(), logging each failure as a warning.
    net::awaitable<void> run(message_handler on_message);

    // Runs until stop(), with each frame's kind, and each failure reported to
    // `on_error` instead of the log.
    net::awaitable<void> run(frame_handler on_frame, error_handler on_error);

    // The path and query the next connection asks for (the URL's own until
    // this is called): a resuming client changes it as it reads.
    void set_target(std::string target);

    // Ends run() after the message in hand, if any (also while it waits).
    void stop();

    [[nodiscard]] const server_url& url() const noexcept { return url_; }

  private:
    template <typename Stream>
    net::awaitable<void> session(Stream& ws, const frame_handler& on_frame);
    net::awaitable<void> connect_and_read(const frame_handler& on_frame);
    void fail(subscription_error::stage where, boost::system::error_code error,
              std::string description, unsigned status = 0);

    net::any_io_executor executor_;
    server_url url_;
    header_list headers_;
    net::ssl::context& tls_;
    subscription_options options_;
    reconnect_backoff backoff_;
    net::steady_timer retry_timer_;
    std::function<void()> close_current_;
    // The failure of the connection that just ended, reported once its delay is known.
    std::optional<subscription_error> failure_;
    // When the current connection's handshake completed: how long it stayed up.
    std::optional<std::chrono::steady_clock::time_point> opened_at_;
    bool stopped_ = false;
};

}  // namespace hookbot::client
