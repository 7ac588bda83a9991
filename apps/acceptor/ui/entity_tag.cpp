#include "ui/entity_tag.hpp"

namespace hookbot::acceptor::ui {
namespace {

// 128 bits of SHA-256: no two builds' files collide.
constexpr std::size_t tag_hex_digits = 32;

std::string_view trimmed(std::string_view text) noexcept {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

}  // namespace

std::string entity_tag(std::string_view sha256_hex) {
    std::string tag = "\"";
    tag += sha256_hex.substr(0, tag_hex_digits);
    tag += '"';
    return tag;
}

bool none_match_names(std::string_view if_none_match, std::string_view tag) noexcept {
    if (trimmed(if_none_match) == "*") return true;
    while (!if_none_match.empty()) {
        const auto comma = if_none_match.find(',');
        std::string_view candidate = trimmed(if_none_match.substr(0, comma));
        if (candidate.starts_with("W/")) candidate.remove_prefix(2);
        if (candidate == tag) return true;
        if (comma == std::string_view::npos) break;
        if_none_match.remove_prefix(comma + 1);
    }
    return false;
}

}  // namespace hookbot::acceptor::ui
