#include "http/websocket_checks.hpp"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/rfc7230.hpp>

namespace hookbot::acceptor {
namespace {

// True when any `name` field of `head` lists `token` (case-insensitive), as
// a comma-separated list may be split over several fields.
bool lists_token(const http::request_header<>& head, http::field name, std::string_view token) {
    const auto [first, last] = head.equal_range(name);
    return std::any_of(first, last, [token](const auto& field) {
        return http::token_list{field.value()}.exists(token);
    });
}

bool is_base64_digit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

// The authority of an absolute URL, without user info; empty when `url` has
// no "scheme://" (Go's url.Parse gives such a URL an empty Host).
std::string_view authority_of(std::string_view url) {
    const auto colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0) return {};
    const bool scheme_ok =
        std::all_of(url.begin(), url.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '+' || c == '-' || c == '.';
        });
    std::string_view rest = url.substr(colon + 1);
    if (!scheme_ok || !rest.starts_with("//")) return {};
    rest.remove_prefix(2);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    return rest;
}

}  // namespace

bool valid_websocket_key(std::string_view key) {
    return key.size() == 24 && key.ends_with("==") &&
           std::all_of(key.begin(), key.end() - 2, is_base64_digit);
}

bool same_origin(std::string_view origin, std::string_view host) {
    const std::string_view origin_host = authority_of(origin);
    return !origin_host.empty() && boost::beast::iequals(origin_host, host);
}

std::optional<http::status> check_websocket_handshake(const http::request_header<>& head) {
    if (head.version() != 11 || !lists_token(head, http::field::connection, "upgrade") ||
        !lists_token(head, http::field::upgrade, "websocket")) {
        return http::status::bad_request;
    }
    if (head.method() != http::verb::get) return http::status::method_not_allowed;
    if (!lists_token(head, http::field::sec_websocket_version, "13")) {
        return http::status::bad_request;
    }
    if (const auto origin = head.find(http::field::origin); origin != head.end()) {
        if (!same_origin(origin->value(), head[http::field::host])) return http::status::forbidden;
    }
    if (!valid_websocket_key(head[http::field::sec_websocket_key]) ||
        head[http::field::host].empty()) {
        return http::status::bad_request;
    }
    return std::nullopt;
}

}  // namespace hookbot::acceptor
