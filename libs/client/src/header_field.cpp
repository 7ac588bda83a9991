#include "hookbot/client/header_field.hpp"

#include <boost/algorithm/string/trim.hpp>

namespace hookbot::client {

std::optional<std::pair<std::string, std::string>> parse_header_field(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string name = boost::algorithm::trim_copy(std::string(text.substr(0, colon)));
    std::string value = boost::algorithm::trim_copy(std::string(text.substr(colon + 1)));
    if (name.empty() || name.find_first_of(" \t\r\n") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
        return std::nullopt;
    }
    return std::pair{std::move(name), std::move(value)};
}

}  // namespace hookbot::client
