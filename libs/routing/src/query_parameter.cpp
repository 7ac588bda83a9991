#include <algorithm>
#include <cstddef>

#include "hookbot/routing/route.hpp"

namespace hookbot::routing {
namespace {

// application/x-www-form-urlencoded, as Go's url.Query reads a query: '+'
// is a space, then percent-decoding.
std::optional<std::string> form_decode(std::string_view text) {
    std::string with_spaces(text);
    std::ranges::replace(with_spaces, '+', ' ');
    return percent_decode(with_spaces);
}

}  // namespace

std::optional<std::string> query_parameter(std::string_view query, std::string_view name) {
    while (!query.empty()) {
        const std::size_t ampersand = query.find('&');
        const std::string_view pair = query.substr(0, ampersand);
        query =
            ampersand == std::string_view::npos ? std::string_view{} : query.substr(ampersand + 1);

        const std::size_t equals = pair.find('=');
        const std::string_view raw_value =
            equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
        // Like Go's url.ParseQuery, a pair with an invalid escape is skipped.
        const std::optional<std::string> key = form_decode(pair.substr(0, equals));
        if (!key || *key != name) continue;
        if (std::optional<std::string> value = form_decode(raw_value)) return value;
    }
    return std::nullopt;
}

}  // namespace hookbot::routing
