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
        auto transport = take_over(ws_.next_layer(), ec);
        if (transport) transport->socket().non_blocking(true, ec);
        if (ec) return nullptr;
        return transport;
    }

    void abort() noexcept override {
        beast::error_code ignored;
        socket().close(ignored);
    }

    [[nodiscard]] std::string peer() override {
        beast::error_code ec;
        const auto endpoint = socket().remote_endpoint(ec);
        if (ec) return "?";
        return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    }

    [[nodiscard]] asio::io_context::executor_type executor() override {
        // A worker's connections run on its io_context directly.
        const auto executor = ws_.get_executor();
        const auto* target = executor.template target<asio::io_context::executor_type>();
        if (target == nullptr) throw std::logic_error("subscriber not on an io_context executor");
        return *target;
    }

  private:
    [[nodiscard]] asio::ip::tcp::socket& socket() noexcept {
        return beast::get_lowest_layer(ws_).socket();
    }

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
        auto transport = take_over(stream_, ec);
        if (transport) transport->socket().non_blocking(true, ec);
        if (ec) return nullptr;
        return transport;
    }

    void abort() noexcept override {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().close(ignored);
    }

    [[nodiscard]] std::string peer() override {
        beast::error_code ec;
        const auto endpoint = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
        if (ec) return "?";
        return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    }

    [[nodiscard]] asio::io_context::executor_type executor() override {
        const auto executor = stream_.get_executor();
        const auto* target = executor.template target<asio::io_context::executor_type>();
        if (target == nullptr) throw std::logic_error("subscriber not on an io_context executor");
        return *target;
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
