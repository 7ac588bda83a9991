#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace hookbot::client {

// A `--header "Name: value"` argument: the name and value with the spaces
// around them trimmed; nullopt when there is no ':', the name is empty or
// holds whitespace, or either holds a line break (which would forge more
// header fields).
std::optional<std::pair<std::string, std::string>> parse_header_field(std::string_view text);

}  // namespace hookbot::client
