#include "uri_reference.hpp"

#include <algorithm>
#include <cstddef>

#include "hookbot/routing/route.hpp"

namespace hookbot::token_cli {
namespace {

// The part of `rest` before the first of `ends`; `rest` keeps what follows.
std::string_view take_until(std::string_view& rest, std::string_view ends) {
    const std::size_t end = std::min(rest.find_first_of(ends), rest.size());
    const std::string_view taken = rest.substr(0, end);
    rest.remove_prefix(end);
    return taken;
}

}  // namespace

std::optional<std::string_view> uri_reference::host_and_port() const {
    if (!authority) return std::nullopt;
    const std::size_t at = authority->rfind('@');
    return at == std::string_view::npos ? *authority : authority->substr(at + 1);
}

//   ^(([^:/?#]+):)?(//([^/?#]*))?([^?#]*)(\?([^#]*))?(#(.*))?
uri_reference split_uri_reference(std::string_view text) {
    uri_reference parts;
    std::string_view rest = text;
    const std::size_t colon = rest.find_first_of(":/?#");
    if (colon != std::string_view::npos && rest[colon] == ':' &&
        routing::is_uri_scheme(rest.substr(0, colon))) {
        parts.scheme = rest.substr(0, colon);
        rest.remove_prefix(colon + 1);
    }
    if (rest.starts_with("//")) {
        rest.remove_prefix(2);
        parts.authority = take_until(rest, "/?#");
    }
    parts.path = take_until(rest, "?#");
    if (rest.starts_with('?')) {
        rest.remove_prefix(1);
        parts.query = take_until(rest, "#");
    }
    if (rest.starts_with('#')) parts.fragment = rest.substr(1);
    return parts;
}

}  // namespace hookbot::token_cli
