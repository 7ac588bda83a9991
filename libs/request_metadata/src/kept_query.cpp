#include "hookbot/request_metadata/kept_query.hpp"

#include <algorithm>
#include <optional>

#include "hookbot/routing/route.hpp"

namespace hookbot::request_metadata {
namespace {

bool is_dropped(std::string_view raw_name) {
    std::string spaced(raw_name);
    std::ranges::replace(spaced, '+', ' ');
    const std::optional<std::string> name = routing::percent_decode(spaced);
    // An undecodable name is none of these: it stays as it came.
    return name && (*name == "extra-metadata" || *name == "access_token");
}

}  // namespace

std::string kept_query(std::string_view raw_query) {
    std::string kept;
    while (!raw_query.empty()) {
        const auto ampersand = raw_query.find('&');
        const std::string_view pair = raw_query.substr(0, ampersand);
        raw_query = ampersand == std::string_view::npos ? std::string_view{}
                                                        : raw_query.substr(ampersand + 1);
        if (pair.empty() || is_dropped(pair.substr(0, pair.find('=')))) continue;
        if (!kept.empty()) kept += '&';
        kept += pair;
    }
    return kept;
}

}  // namespace hookbot::request_metadata
