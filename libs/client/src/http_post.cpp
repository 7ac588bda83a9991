#include "hookbot/client/http_post.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>

namespace hookbot::client {

net::awaitable<http_answer> http_post(const server_url& server, const std::string& target,
                                      const header_list& headers, std::string body,
                                      net::ssl::context& tls, std::chrono::seconds timeout) {
    namespace http = beast::http;
    http::request<http::string_body> request{http::verb::post, target, 11};
    request.set(http::field::host, server.authority());
    request.set(http::field::user_agent, "hookbot");
    request.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    co_return co_await http_exchange(server, std::move(request), tls, timeout);
}

}  // namespace hookbot::client
