#include "hookbot/client/subscription.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <random>

#include "hookbot/auth/base64.hpp"
#include "hookbot/posix/log.hpp"
#include "use_error_code.hpp"

namespace hookbot::client {
namespace {

namespace websocket = beast::websocket;

}  // namespace

subscription::subscription(const net::any_io_executor& executor, server_url url,
                           header_list headers, net::ssl::context& tls,
                           subscription_options options)
    : executor_(executor),
      url_(std::move(url)),
      headers_(std::move(headers)),
      tls_(tls),
      options_(options),
      retry_timer_(executor) {}

void subscription::stop() {
    stopped_ = true;
    retry_timer_.cancel();
    if (close_current_) close_current_();
}

std::chrono::milliseconds subscription::next_delay() {
    static thread_local std::mt19937 random{std::random_device{}()};
    const auto jitter = options_.reconnect_jitter.count();
    std::uniform_int_distribution<std::int64_t> offset(-jitter, jitter);
    return options_.reconnect_delay + std::chrono::milliseconds(offset(random));
}

net::awaitable<void> subscription::run(message_handler on_message) {
    while (!stopped_) {
        co_await connect_and_read(on_message);
        if (stopped_) break;
        const auto delay = next_delay();
        log::info("reconnecting to ", url_.authority(), " in ", delay.count(), " ms");
        retry_timer_.expires_after(delay);
        co_await retry_timer_.async_wait(use_error_code);
    }
}

net::awaitable<void> subscription::connect_and_read(const message_handler& on_message) {
    if (url_.secure) {
        websocket::stream<net::ssl::stream<beast::tcp_stream>> ws(executor_, tls_);
        if (auto ec =
                co_await connect(beast::get_lowest_layer(ws), url_, options_.connect_timeout)) {
            log::warning("cannot connect to ", url_.authority(), ": ", ec.message());
            co_return;
        }
        if (auto ec = co_await tls_handshake(ws.next_layer(), url_, options_.connect_timeout)) {
            log::warning("TLS handshake with ", url_.authority(), " failed: ", ec.message());
            co_return;
        }
        co_await session(ws, on_message);
    } else {
        websocket::stream<beast::tcp_stream> ws(executor_);
        if (auto ec =
                co_await connect(beast::get_lowest_layer(ws), url_, options_.connect_timeout)) {
            log::warning("cannot connect to ", url_.authority(), ": ", ec.message());
            co_return;
        }
        co_await session(ws, on_message);
    }
}

template <typename Stream>
net::awaitable<void> subscription::session(Stream& ws, const message_handler& on_message) {
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

    websocket::response_type answer;
    auto [handshake_ec] =
        co_await ws.async_handshake(answer, url_.authority(), url_.target, use_error_code);
    if (handshake_ec) {
        log::warning("websocket handshake with ", url_.authority(), url_.target,
                     " failed: ", handshake_ec.message(),
                     answer.result_int() != 0
                         ? " (status " + std::to_string(answer.result_int()) + ")"
                         : std::string());
        co_return;
    }
    log::info("subscribed to ", url_.authority(), url_.target);
    close_current_ = [&ws] { beast::get_lowest_layer(ws).cancel(); };

    beast::flat_buffer buffer;
    while (!stopped_) {
        auto [read_ec, bytes] = co_await ws.async_read(buffer, use_error_code);
        static_cast<void>(bytes);
        if (read_ec) {
            if (!stopped_)
                log::warning("subscription to ", url_.authority(), url_.target,
                             " ended: ", read_ec.message());
            break;
        }
        std::string message = beast::buffers_to_string(buffer.data());
        buffer.consume(buffer.size());
        co_await on_message(std::move(message));
    }
    close_current_ = nullptr;
}

}  // namespace hookbot::client
