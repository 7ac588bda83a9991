#include "hookbot/token_cli/token_url.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <stdexcept>

#include "hookbot/routing/route.hpp"
#include "uri_reference.hpp"

namespace hookbot::token_cli {
namespace {

[[noreturn]] void reject(std::string_view what, std::string_view text, std::string_view why) {
    throw std::invalid_argument(std::string(what) + " '" + std::string(text) +
                                "': " + std::string(why));
}

// The percent-decoded path a token is made for (D2.1).
std::string decoded_path_of(std::string_view uri, const uri_reference& parts) {
    if (parts.path.empty() && parts.authority) return "/";
    std::optional<std::string> path = routing::percent_decode(parts.path);
    if (!path) reject("URI", uri, "invalid percent-escape in the path");
    if (!path->starts_with('/')) reject("URI", uri, "the path must start with '/'");
    return std::move(*path);
}

bool is_secure_scheme(std::string_view scheme) noexcept {
    return boost::algorithm::iequals(scheme, "https") || boost::algorithm::iequals(scheme, "wss");
}

// D8: a plain prefix test, so "/subx" is a websocket path too.
bool is_subscribe_path(std::string_view path) noexcept {
    return path.starts_with("/sub") || path.starts_with("/unsafe/sub");
}

uri_reference parse_url_base(std::string_view url_base) {
    const uri_reference base = split_uri_reference(url_base);
    if (!base.scheme || !base.host_and_port() || base.host_and_port()->empty()) {
        reject("URL base", url_base, "needs a scheme and a host, like http://localhost:8080");
    }
    return base;
}

}  // namespace

std::string bare_token(std::string_view uri, const token_settings& settings) {
    const uri_reference parts = split_uri_reference(uri);
    return auth::make_token(settings.key, decoded_path_of(uri, parts), settings.hash);
}

std::string token_url(std::string_view uri, std::string_view url_base,
                      const token_settings& settings) {
    const uri_reference base = parse_url_base(url_base);
    const uri_reference parts = split_uri_reference(uri);
    const std::string path = decoded_path_of(uri, parts);

    const bool secure = is_secure_scheme(parts.scheme.value_or(*base.scheme));
    std::string url = is_subscribe_path(path) ? "ws" : "http";
    if (secure) url += 's';
    url += "://";
    url += auth::make_token(settings.key, path, settings.hash);
    url += '@';
    // Each URI uses its own host or the base's: none carries over to the next
    // (the original's bug).
    const std::optional<std::string_view> own_host = parts.host_and_port();
    url += own_host && !own_host->empty() ? *own_host : *base.host_and_port();
    url += routing::percent_encode_path(path);
    // Appended piece by piece: "?" + std::string(...) draws a false
    // -Wrestrict from GCC 12 at -O3.
    if (parts.query) url.append("?").append(*parts.query);
    if (parts.fragment) url.append("#").append(*parts.fragment);
    return url;
}

}  // namespace hookbot::token_cli
