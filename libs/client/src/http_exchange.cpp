#include "hookbot/client/http_exchange.hpp"

#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "use_error_code.hpp"

namespace hookbot::client {
namespace {

namespace http = beast::http;
constexpr std::size_t max_answer_body = 64 * 1024;

// Holds `*abort` for as long as one exchange runs (subscription.cpp's
// close_guard, for a one-shot request).
class abort_hook {
  public:
    abort_hook(std::function<void()>* abort, std::function<void()> cancel) : abort_(abort) {
        if (abort_ != nullptr) *abort_ = std::move(cancel);
    }
    abort_hook(const abort_hook&) = delete;
    abort_hook& operator=(const abort_hook&) = delete;
    ~abort_hook() {
        if (abort_ != nullptr) *abort_ = nullptr;
    }

  private:
    std::function<void()>* abort_;
};

template <typename Stream>
net::awaitable<http_answer> write_and_read(Stream& stream,
                                           http::request<http::string_body> request) {
    http_answer answer;
    auto [write_ec, written] = co_await http::async_write(stream, request, use_error_code);
    static_cast<void>(written);
    if (write_ec) {
        answer.error = write_ec;
        co_return answer;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(max_answer_body);
    auto [read_ec, read] = co_await http::async_read(stream, buffer, parser, use_error_code);
    static_cast<void>(read);
    // A long answer still answered: its status is what counts.
    if (read_ec == http::error::body_limit && parser.is_header_done()) {
        answer.status = parser.get().result_int();
        co_return answer;
    }
    if (read_ec) {
        answer.error = read_ec;
        co_return answer;
    }
    answer.status = parser.get().result_int();
    answer.body = std::move(parser.get().body());
    co_return answer;
}

}  // namespace

net::awaitable<http_answer> http_exchange(const server_url& server,
                                          http::request<http::string_body> request,
                                          net::ssl::context& tls, std::chrono::milliseconds timeout,
                                          std::function<void()>* abort) {
    const auto executor = co_await net::this_coro::executor;
    if (server.secure) {
        net::ssl::stream<beast::tcp_stream> stream(executor, tls);
        const abort_hook hook(abort, [&stream] { beast::get_lowest_layer(stream).cancel(); });
        if (auto ec = co_await connect(beast::get_lowest_layer(stream), server, timeout)) {
            co_return http_answer{ec, 0, {}};
        }
        if (auto ec = co_await tls_handshake(stream, server, timeout)) {
            co_return http_answer{ec, 0, {}};
        }
        beast::get_lowest_layer(stream).expires_after(timeout);
        http_answer answer = co_await write_and_read(stream, std::move(request));
        // A polite TLS close; the answer is in hand whatever it says.
        auto [shutdown_ec] = co_await stream.async_shutdown(use_error_code);
        static_cast<void>(shutdown_ec);
        co_return answer;
    }
    beast::tcp_stream stream(executor);
    const abort_hook hook(abort, [&stream] { stream.cancel(); });
    if (auto ec = co_await connect(stream, server, timeout)) co_return http_answer{ec, 0, {}};
    stream.expires_after(timeout);
    co_return co_await write_and_read(stream, std::move(request));
}

}  // namespace hookbot::client
