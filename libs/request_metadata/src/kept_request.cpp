#include "hookbot/request_metadata/kept_request.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace hookbot::request_metadata {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

void kept_request::add_header(std::string_view name, std::string_view value) {
    const auto same = std::ranges::find_if(
        headers, [name](const auto& header) { return iequals(header.first, name); });
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
