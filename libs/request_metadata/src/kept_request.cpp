#include "hookbot/request_metadata/kept_request.hpp"

#include <algorithm>
#include <boost/algorithm/string/predicate.hpp>
#include <nlohmann/json.hpp>

namespace hookbot::request_metadata {

void kept_request::add_header(std::string_view name, std::string_view value) {
    const auto same = std::ranges::find_if(
        headers, [name](const auto& header) { return boost::iequals(header.first, name); });
    if (same == headers.end()) {
        headers.emplace_back(name, value);
        return;
    }
    same->second.append(", ").append(value);
}

std::string to_json(const kept_request& request) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    object["method"] = request.method;
    object["query"] = request.query;
    auto& headers = object["headers"] = nlohmann::ordered_json::object();
    for (const auto& [name, value] : request.headers) headers[name] = value;
    return object.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace hookbot::request_metadata
