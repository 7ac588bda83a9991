#include "hookbot/client/resume_target.hpp"

#include <cctype>
#include <variant>

#include "hookbot/routing/route.hpp"

namespace hookbot::client {
namespace {

// RFC 3986 §2.3: what a query value may hold without an escape.
std::string percent_encode_value(std::string_view value) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : value) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += hex[byte >> 4U];
            out += hex[byte & 0x0FU];
        }
    }
    return out;
}

// The name of a raw "name=value" pair, still encoded.
std::string_view parameter_name(std::string_view pair) {
    return pair.substr(0, pair.find('='));
}

}  // namespace

std::string resume_target(std::string_view target, const std::optional<std::string>& since) {
    const auto question = target.find('?');
    std::string out(target.substr(0, question));
    std::string_view query =
        question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
    char separator = '?';
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        const std::string_view name = parameter_name(pair);
        if (pair.empty() || name == "format" || (since && name == "since")) continue;
        out += separator;
        out += pair;
        separator = '&';
    }
    out += separator;
    out += "format=json";
    if (since) out += "&since=" + percent_encode_value(*since);
    return out;
}

std::optional<subscribed_topic> subscription_topic(std::string_view target) {
    const auto decision = routing::route(target);
    const auto* dispatch = std::get_if<routing::dispatch>(&decision);
    if (dispatch == nullptr) return std::nullopt;
    switch (dispatch->kind) {
        case routing::endpoint::sub:
        case routing::endpoint::unsafe_sub:
        case routing::endpoint::root:
            return subscribed_topic{dispatch->topic, dispatch->recursive};
        default:
            return std::nullopt;
    }
}

}  // namespace hookbot::client
