#include "transport/upgrade_handshake.hpp"

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

}  // namespace

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
