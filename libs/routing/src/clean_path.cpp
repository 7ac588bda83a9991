#include "clean_path.hpp"

#include <cstddef>
#include <vector>

namespace hookbot::routing::detail {
namespace {

// Calls `visit(segment, is_last)` for each segment after the leading '/'.
template <typename Visitor>
void for_each_segment(std::string_view path, Visitor&& visit) {
    std::size_t start = path.starts_with('/') ? 1 : 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        if (slash == std::string_view::npos) {
            visit(path.substr(start), true);
            return;
        }
        visit(path.substr(start, slash - start), false);
        start = slash + 1;
    }
}

}  // namespace

bool is_clean(std::string_view path) noexcept {
    bool clean = true;
    for_each_segment(path, [&](std::string_view segment, bool is_last) {
        // An empty last segment is a trailing '/', which is kept.
        if ((segment.empty() && !is_last) || segment == "." || segment == "..") clean = false;
    });
    return clean;
}

std::string clean_path(std::string_view path) {
    std::vector<std::string_view> kept;
    for_each_segment(path, [&](std::string_view segment, bool) {
        if (segment.empty() || segment == ".") return;
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
            return;
        }
        kept.push_back(segment);
    });
    std::string cleaned;
    for (const std::string_view segment : kept) {
        cleaned += '/';
        cleaned += segment;
    }
    if (cleaned.empty() || path.ends_with('/')) cleaned += '/';
    return cleaned;
}

}  // namespace hookbot::routing::detail
