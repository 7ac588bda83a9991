#include "listen/forward_request.hpp"

#include <algorithm>
#include <array>
#include <boost/algorithm/string/predicate.hpp>
#include <string_view>

namespace hookbot::listen {
namespace {

namespace http = boost::beast::http;
using namespace std::string_view_literals;

// Set by this side for its own hop, or never forwarded (RFC 9110 §7.6.1).
bool is_hop_header(std::string_view name) {
    constexpr std::array names = {
        "Host"sv,
        "Content-Length"sv,
        "Connection"sv,
        "Keep-Alive"sv,
        "Transfer-Encoding"sv,
        "TE"sv,
        "Trailer"sv,
        "Upgrade"sv,
        "Proxy-Connection"sv,
        "Proxy-Authorization"sv,
        "Authorization"sv,
        "Cookie"sv,
        "Expect"sv,
        "Hookbot-Id"sv,
    };
    return std::ranges::any_of(names,
                               [name](std::string_view hop) { return boost::iequals(name, hop); });
}

// A field a server could only have sent by mistake (or malice): a name that
// is no HTTP token, or a value with a line break or NUL, which would forge
// more header fields on the way out.
bool is_sendable(std::string_view name, std::string_view value) {
    const auto token_char = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    };
    return !name.empty() && std::ranges::all_of(name, token_char) &&
           value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

http::request<http::string_body> make_forward_request(const forward_target& target,
                                                      const client::watch_message& message) {
    http::request<http::string_body> request;
    request.version(11);
    if (message.request) {
        const http::verb verb = http::string_to_verb(message.request->method);
        if (verb != http::verb::unknown) {
            request.method(verb);
        } else {
            request.method_string(message.request->method);
        }
        request.target(target.request_target(message.request->query));
        for (const auto& [name, value] : message.request->headers) {
            if (!is_hop_header(name) && is_sendable(name, value)) request.insert(name, value);
        }
    } else {
        request.method(http::verb::post);
        request.target(target.request_target({}));
    }
    request.set(http::field::host, target.host_header());
    if (message.id) request.set("Hookbot-Id", *message.id);
    request.body() = message.body;
    request.prepare_payload();
    return request;
}

}  // namespace hookbot::listen
