#include "hookbot/client/server_url.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <cctype>

#include "hookbot/routing/route.hpp"

namespace hookbot::client {
namespace {

bool all_digits(std::string_view text) {
    return !text.empty() && text.size() <= 5 && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

}  // namespace

std::string server_url::authority() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + port;
}

std::optional<server_url> parse_server_url(std::string_view text) {
    const auto scheme_end = text.find("://");
    if (scheme_end == std::string_view::npos) return std::nullopt;
    const std::string_view scheme = text.substr(0, scheme_end);
    server_url url;
    if (boost::iequals(scheme, "ws") || boost::iequals(scheme, "http")) {
        url.secure = false;
    } else if (boost::iequals(scheme, "wss") || boost::iequals(scheme, "https")) {
        url.secure = true;
    } else {
        return std::nullopt;
    }
    url.websocket = boost::istarts_with(scheme, "ws");

    std::string_view rest = text.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find('#'));
    const auto authority_end = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, authority_end);
    const std::string_view target =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    url.target = target.empty() || target.front() == '?' ? std::string("/").append(target)
                                                         : std::string(target);

    if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
        const std::string_view user_info = authority.substr(0, at);
        const auto user = routing::percent_decode(user_info.substr(0, user_info.find(':')));
        if (!user) return std::nullopt;
        url.user = *user;
        authority.remove_prefix(at + 1);
    }
    std::string_view port;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        url.host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) return std::nullopt;
        if (!after.empty()) port = after.substr(1);
    } else {
        const auto colon = authority.rfind(':');
        url.host = authority.substr(0, colon);
        if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    }
    if (url.host.empty()) return std::nullopt;
    if (port.empty()) {
        url.port = url.secure ? "443" : "80";
    } else if (all_digits(port)) {
        url.port = port;
    } else {
        return std::nullopt;
    }
    return url;
}

}  // namespace hookbot::client
