#include "hookbot/client/http_post.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "use_error_code.hpp"

namespace hookbot::client {
namespace {

namespace http = beast::http;
constexpr std::size_t max_answer_body = 64 * 1024;

template <typename Stream>
net::awaitable<http_answer> exchange(Stream& stream, const server_url& server,
                                     const std::string& target, const header_list& headers,
                                     std::string body) {
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, server.authority());
    request.set(http::field::user_agent, "hookbot");
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();

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
    if (read_ec) {
        answer.error = read_ec;
        co_return answer;
    }
    answer.status = parser.get().result_int();
    answer.body = std::move(parser.get().body());
    co_return answer;
}

}  // namespace

net::awaitable<http_answer> http_post(const server_url& server, const std::string& target,
                                      const header_list& headers, std::string body,
                                      net::ssl::context& tls, std::chrono::seconds timeout) {
    const auto executor = co_await net::this_coro::executor;
    if (server.secure) {
        net::ssl::stream<beast::tcp_stream> stream(executor, tls);
        if (auto ec = co_await connect(beast::get_lowest_layer(stream), server, timeout)) {
            co_return http_answer{ec, 0, {}};
        }
        if (auto ec = co_await tls_handshake(stream, server, timeout)) {
            co_return http_answer{ec, 0, {}};
        }
        beast::get_lowest_layer(stream).expires_after(timeout);
        http_answer answer = co_await exchange(stream, server, target, headers, std::move(body));
        // A polite TLS close; the answer is in hand whatever it says.
        auto [shutdown_ec] = co_await stream.async_shutdown(use_error_code);
        static_cast<void>(shutdown_ec);
        co_return answer;
    }
    beast::tcp_stream stream(executor);
    if (auto ec = co_await connect(stream, server, timeout)) co_return http_answer{ec, 0, {}};
    stream.expires_after(timeout);
    co_return co_await exchange(stream, server, target, headers, std::move(body));
}

}  // namespace hookbot::client
