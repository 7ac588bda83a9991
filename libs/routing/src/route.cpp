#include "hookbot/routing/route.hpp"

#include <array>
#include <cstddef>

#include "clean_path.hpp"

namespace hookbot::routing {
namespace {

struct raw_target {
    std::string_view path;   // still percent-encoded
    std::string_view query;  // without '?'
};

// The "/path?query" part of an absolute-form target ("http://host/path?q",
// RFC 9112 §3.2.2), or nullopt when `target` is not one. "http://host" and
// "http://host?q" have the path "/".
std::optional<std::string_view> origin_part_of_absolute(std::string_view target) {
    const std::size_t separator = target.find("://");
    if (separator == std::string_view::npos || !is_uri_scheme(target.substr(0, separator))) {
        return std::nullopt;
    }
    const std::size_t authority_end = target.find_first_of("/?", separator + 3);
    if (authority_end == std::string_view::npos) return std::string_view{};
    return target.substr(authority_end);
}

std::optional<raw_target> split_target(std::string_view target) {
    if (!target.starts_with('/')) {
        const std::optional<std::string_view> origin_part = origin_part_of_absolute(target);
        if (!origin_part) return std::nullopt;
        target = *origin_part;
    }
    raw_target parts;
    const std::size_t question = target.find('?');
    parts.path = target.substr(0, question);
    if (question != std::string_view::npos) {
        parts.query = target.substr(question + 1);
    }
    return parts;
}

// "?query" for a Location, when the request had a non-empty query.
std::string query_suffix(const raw_target& parts) {
    if (parts.query.empty()) return {};
    // Appended, not "?" + std::string(...): GCC 12 at -O3 sees a false
    // -Wrestrict overlap in the inlined operator+.
    std::string suffix = "?";
    suffix += parts.query;
    return suffix;
}

// D1.4: these paths exist only with a trailing '/'.
bool lacks_trailing_slash(std::string_view path) noexcept {
    static constexpr std::array<std::string_view, 4> bare = {"/pub", "/sub", "/unsafe/pub",
                                                             "/unsafe/sub"};
    for (const std::string_view candidate : bare) {
        if (path == candidate) return true;
    }
    return false;
}

// D1.3: the paths this server answers itself, with no topic.
std::optional<endpoint> fixed_endpoint(std::string_view path, ui_paths ui) noexcept {
    if (path == "/status") return endpoint::status;
    if (path == "/metrics") return endpoint::metrics;
    if (ui == ui_paths::inspector && (path == "/ui" || path.starts_with("/ui/")))
        return endpoint::ui;
    return std::nullopt;
}

// D1.5 and the topic table of D3.
dispatch dispatch_on_prefix(std::string path, std::string_view query) {
    struct prefix_rule {
        std::string_view prefix;
        endpoint kind;
        std::string_view topic_namespace;  // put before the rest of the path
    };
    static constexpr std::array<prefix_rule, 4> rules = {{
        {"/pub/", endpoint::pub, ""},
        {"/sub/", endpoint::sub, ""},
        {"/unsafe/pub/", endpoint::unsafe_pub, "/unsafe/"},
        {"/unsafe/sub/", endpoint::unsafe_sub, "/unsafe/"},
    }};
    dispatch result;
    result.kind = endpoint::root;
    result.topic = path.substr(1);
    for (const prefix_rule& rule : rules) {
        if (path.starts_with(rule.prefix)) {
            result.kind = rule.kind;
            result.topic = rule.topic_namespace;
            result.topic += std::string_view(path).substr(rule.prefix.size());
            break;
        }
    }
    result.recursive = result.topic.ends_with('/');
    result.path = std::move(path);
    result.query = std::string(query);
    return result;
}

}  // namespace

decision route(std::string_view target, ui_paths ui) {
    const std::optional<raw_target> parts = split_target(target);
    if (!parts) return malformed{};
    std::optional<std::string> path = percent_decode(parts->path);
    if (!path) return malformed{};
    // An absolute-form target without a path. push_back, not `= "/"`: GCC 12
    // at -O3 sees a false -Wrestrict overlap in the inlined assignment.
    if (path->empty()) path->push_back('/');

    if (!detail::is_clean(*path)) {
        return redirect{percent_encode_path(detail::clean_path(*path)) + query_suffix(*parts)};
    }
    if (const auto kind = fixed_endpoint(*path, ui)) {
        dispatch fixed;
        fixed.kind = *kind;
        fixed.path = std::move(*path);
        fixed.query = std::string(parts->query);
        return fixed;
    }
    if (lacks_trailing_slash(*path)) return redirect{*path + "/" + query_suffix(*parts)};
    return dispatch_on_prefix(std::move(*path), parts->query);
}

bool is_uri_scheme(std::string_view text) noexcept {
    const auto is_letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (text.empty() || !is_letter(text.front())) return false;
    for (const char c : text) {
        if (!is_letter(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') {
            return false;
        }
    }
    return true;
}

}  // namespace hookbot::routing
