#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace hookbot::bench {

// The value of header `name` (given in lower case) in an HTTP/1.1 head
// (start line, CRLF-separated fields), or "" when absent. Enough for the
// few fields this tool reads from peers it controls.
inline std::string_view header_value(std::string_view head, std::string_view name) {
    std::size_t line = head.find("\r\n");
    while (line != std::string_view::npos && line + 2 < head.size()) {
        const std::size_t start = line + 2;
        const std::size_t end = std::min(head.find("\r\n", start), head.size());
        const std::string_view field = head.substr(start, end - start);
        if (field.size() > name.size() && field[name.size()] == ':' &&
            std::equal(name.begin(), name.end(), field.begin(), [](char a, char b) {
                return a == std::tolower(static_cast<unsigned char>(b));
            })) {
            std::string_view value = field.substr(name.size() + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
                value.remove_prefix(1);
            }
            while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
                value.remove_suffix(1);
            }
            return value;
        }
        line = end;
    }
    return {};
}

}  // namespace hookbot::bench
