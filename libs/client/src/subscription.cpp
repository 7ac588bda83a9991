#include "hookbot/client/subscription.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "hookbot/auth/base64.hpp"
#include "hookbot/posix/log.hpp"
#include "use_error_code.hpp"

namespace hookbot::client {
namespace {

namespace websocket = beast::websocket;
using clock = std::chrono::steady_clock;

// The target without its query, for log lines: a query may carry a token
// (?access_token=), which is never logged.
std::string_view path_of(std::string_view target) {
    return target.substr(0, target.find('?'));
}

// Forgets a connection's closer when the connection goes out of scope.
struct close_guard {
    explicit close_guard(std::function<void()>& closer) : close(closer) {}
    close_guard(const close_guard&) = delete;
    close_guard& operator=(const close_guard&) = delete;
    ~close_guard() { close = nullptr; }
    std::function<void()>& close;
};

}  // namespace

subscription::subscription(const net::any_io_executor& executor, server_url url,
                           header_list headers, net::ssl::context& tls,
                           subscription_options options)
    : executor_(executor),
      url_(std::move(url)),
      headers_(std::move(headers)),
      tls_(tls),
      options_(options),
      backoff_(options.reconnect),
      retry_timer_(executor) {}

void subscription::set_target(std::string target) {
    url_.target = std::move(target);
}

void subscription::stop() {
    stopped_ = true;
    retry_timer_.cancel();
    if (close_current_) close_current_();
}

void subscription::fail(subscription_error::stage where, boost::system::error_code error,
                        std::string description, unsigned status) {
    failure_ = subscription_error{where, error, status, std::move(description), {}};
}

net::awaitable<void> subscription::run(message_handler on_message) {
    co_await run(
        [&on_message](received_frame frame) { return on_message(std::move(frame.payload)); },
        [](const subscription_error& error) {
            log::warning(error.description, "; reconnecting in ", error.retry_in.count(), " ms");
        });
}

net::awaitable<void> subscription::run(frame_handler on_frame, error_handler on_error) {
    while (!stopped_) {
        failure_.reset();
        opened_at_.reset();
        co_await connect_and_read(on_frame);
        if (stopped_) break;
        // A connection that stayed up long enough starts the backoff over;
        // one that failed at once (or never opened) counts as one more failure.
        if (opened_at_) backoff_.connection_ended(clock::now() - *opened_at_);
        subscription_error error = failure_.value_or(
            subscription_error{subscription_error::stage::read, {}, 0, "subscription ended", {}});
        error.retry_in = backoff_.next_delay();
        on_error(error);
        retry_timer_.expires_after(error.retry_in);
        co_await retry_timer_.async_wait(use_error_code);
    }
}

net::awaitable<void> subscription::connect_and_read(const frame_handler& on_frame) {
    const auto cannot_connect = [this](boost::system::error_code ec) {
        fail(subscription_error::stage::connect, ec,
             "cannot connect to " + url_.authority() + ": " + ec.message());
    };
    if (url_.secure) {
        websocket::stream<net::ssl::stream<beast::tcp_stream>> ws(executor_, tls_);
        // stop() cuts a connect, a handshake or a read short alike.
        close_current_ = [&ws] { beast::get_lowest_layer(ws).cancel(); };
        const close_guard forget{close_current_};
        if (auto ec =
                co_await connect(beast::get_lowest_layer(ws), url_, options_.connect_timeout)) {
            cannot_connect(ec);
            co_return;
        }
        if (auto ec = co_await tls_handshake(ws.next_layer(), url_, options_.connect_timeout)) {
            fail(subscription_error::stage::tls, ec,
                 "TLS handshake with " + url_.authority() + " failed: " + ec.message());
            co_return;
        }
        co_await session(ws, on_frame);
    } else {
        websocket::stream<beast::tcp_stream> ws(executor_);
        close_current_ = [&ws] { beast::get_lowest_layer(ws).cancel(); };
        const close_guard forget{close_current_};
        if (auto ec =
                co_await connect(beast::get_lowest_layer(ws), url_, options_.connect_timeout)) {
            cannot_connect(ec);
            co_return;
        }
        co_await session(ws, on_frame);
    }
}

template <typename Stream>
net::awaitable<void> subscription::session(Stream& ws, const frame_handler& on_frame) {
    // The websocket's own timeouts from here on, not the TCP stream's.
    beast::get_lowest_layer(ws).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = options_.connect_timeout;
    timeouts.idle_timeout = options_.dead_after;
    timeouts.keep_alive_pings = true;
    ws.set_option(timeouts);
    ws.read_message_max(options_.max_message_bytes);
    ws.set_option(websocket::stream_base::decorator([this](websocket::request_type& request) {
        if (!url_.user.empty()) {
            request.set(beast::http::field::authorization,
                        "Basic " + auth::base64_encode(url_.user + ":"));
        }
        for (const auto& [name, value] : headers_) request.set(name, value);
    }));

    const std::string where = url_.authority() + std::string(path_of(url_.target));
    websocket::response_type answer;
    auto [handshake_ec] =
        co_await ws.async_handshake(answer, url_.authority(), url_.target, use_error_code);
    if (handshake_ec) {
        const unsigned status = answer.result_int();
        fail(subscription_error::stage::handshake, handshake_ec,
             "websocket handshake with " + where + " failed: " + handshake_ec.message() +
                 (status != 0 ? " (status " + std::to_string(status) + ")" : std::string()),
             status);
        co_return;
    }
    log::info("subscribed to ", where);
    opened_at_ = clock::now();

    beast::flat_buffer buffer;
    while (!stopped_) {
        auto [read_ec, bytes] = co_await ws.async_read(buffer, use_error_code);
        static_cast<void>(bytes);
        if (read_ec) {
            std::string why = "subscription to " + where + " ended: " + read_ec.message();
            // The one failure a reconnect cannot cure: say which limit it was.
            if (read_ec == websocket::error::message_too_big) {
                why += " (" + std::to_string(options_.max_message_bytes) + " bytes)";
            }
            fail(subscription_error::stage::read, read_ec, std::move(why));
            break;
        }
        received_frame frame{beast::buffers_to_string(buffer.data()), ws.got_text()};
        buffer.consume(buffer.size());
        co_await on_frame(std::move(frame));
    }
}

}  // namespace hookbot::client
