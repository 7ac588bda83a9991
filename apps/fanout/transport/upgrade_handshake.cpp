#include "transport/upgrade_handshake.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <stdexcept>
#include <utility>

#include "transport/plain_transport.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;

namespace {

// Beast read nothing beyond the request it was given: the socket is ours.
std::unique_ptr<subscriber_transport> take_over(beast::tcp_stream& stream,
                                                beast::error_code& /*ec*/) {
    return std::make_unique<plain_transport>(stream.release_socket());
}

std::unique_ptr<subscriber_transport> take_over(tls_stream& stream, beast::error_code& ec) {
    return tls_transport::take_over(stream, ec);
}

// What every answer does the same way with the connection under it: plain
// TCP, or TLS on it (`Stream`: beast::tcp_stream or tls_stream).
template <typename Stream>
std::unique_ptr<subscriber_transport> non_blocking_transport(Stream& stream,
                                                             beast::error_code& ec) {
    auto transport = take_over(stream, ec);
    if (transport) transport->socket().non_blocking(true, ec);
    if (ec) return nullptr;
    return transport;
}

template <typename Stream>
void close_connection(Stream& stream) noexcept {
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
}

template <typename Stream>
std::string peer_of(Stream& stream) {
    beast::error_code ec;
    const auto endpoint = beast::get_lowest_layer(stream).socket().remote_endpoint(ec);
    if (ec) return "?";
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

// A worker's connections run on its io_context directly.
template <typename Stream>
asio::io_context::executor_type io_executor_of(Stream& stream) {
    const auto executor = stream.get_executor();
    const auto* target = executor.template target<asio::io_context::executor_type>();
    if (target == nullptr) throw std::logic_error("subscriber not on an io_context executor");
    return *target;
}

template <typename Stream>
class stream_handshake final : public upgrade_handshake {
  public:
    stream_handshake(Stream stream, upgrade_request request)
        : ws_(std::move(stream)), request_(std::move(request)) {}

    void async_answer(std::chrono::milliseconds timeout,
                      std::function<void(beast::error_code)> done) override {
        websocket::stream_base::timeout timeouts{};
        timeouts.handshake_timeout = timeout;
        timeouts.idle_timeout = websocket::stream_base::none();
        timeouts.keep_alive_pings = false;
        ws_.set_option(timeouts);
        ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& response) {
            response.set(beast::http::field::server, "hookbot");
        }));
        // `done` may destroy this object: nothing here runs after it.
        ws_.async_accept(request_, [done = std::move(done)](beast::error_code ec) { done(ec); });
    }

    std::unique_ptr<subscriber_transport> take_transport(beast::error_code& ec) override {
        return non_blocking_transport(ws_.next_layer(), ec);
    }
    void abort() noexcept override { close_connection(ws_); }
    [[nodiscard]] std::string peer() override { return peer_of(ws_); }
    [[nodiscard]] asio::io_context::executor_type executor() override {
        return io_executor_of(ws_);
    }

  private:
    websocket::stream<Stream> ws_;
    upgrade_request request_;  // read by async_accept
};

// The body is delimited by the connection's end (RFC 9112 6.3), which suits
// HTTP/1.0 and 1.1 clients alike; no-cache and X-Accel-Buffering keep
// proxies from holding events back; no-referrer because the URL may carry
// an access_token.
constexpr std::string_view event_stream_head =
    "HTTP/1.1 200 OK\r\n"
    "Server: hookbot\r\n"
    "Content-Type: text/event-stream\r\n"
    "Cache-Control: no-cache\r\n"
    "Connection: close\r\n"
    "X-Accel-Buffering: no\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "\r\n";

template <typename Stream>
class event_stream_handshake final : public upgrade_handshake {
  public:
    explicit event_stream_handshake(Stream stream) : stream_(std::move(stream)) {}

    void async_answer(std::chrono::milliseconds timeout,
                      std::function<void(beast::error_code)> done) override {
        beast::get_lowest_layer(stream_).expires_after(timeout);
        asio::async_write(stream_, asio::buffer(event_stream_head.data(), event_stream_head.size()),
                          [this, done = std::move(done)](beast::error_code ec, std::size_t) {
                              beast::get_lowest_layer(stream_).expires_never();
                              done(ec);  // may destroy this object
                          });
    }

    std::unique_ptr<subscriber_transport> take_transport(beast::error_code& ec) override {
        return non_blocking_transport(stream_, ec);
    }
    void abort() noexcept override { close_connection(stream_); }
    [[nodiscard]] std::string peer() override { return peer_of(stream_); }
    [[nodiscard]] asio::io_context::executor_type executor() override {
        return io_executor_of(stream_);
    }

  private:
    Stream stream_;
};

}  // namespace

std::unique_ptr<upgrade_handshake> make_event_stream_answer(beast::tcp_stream stream) {
    return std::make_unique<event_stream_handshake<beast::tcp_stream>>(std::move(stream));
}

std::unique_ptr<upgrade_handshake> make_event_stream_answer(tls_stream stream) {
    return std::make_unique<event_stream_handshake<tls_stream>>(std::move(stream));
}

std::unique_ptr<upgrade_handshake> make_upgrade_handshake(beast::tcp_stream stream,
                                                          upgrade_request request) {
    return std::make_unique<stream_handshake<beast::tcp_stream>>(std::move(stream),
                                                                 std::move(request));
}

std::unique_ptr<upgrade_handshake> make_upgrade_handshake(tls_stream stream,
                                                          upgrade_request request) {
    return std::make_unique<stream_handshake<tls_stream>>(std::move(stream), std::move(request));
}

}  // namespace hookbot::fanout
