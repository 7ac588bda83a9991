#pragma once

#include <optional>
#include <string_view>

// The five parts of a URI reference, split as RFC 3986 appendix B does
// (nothing is decoded or validated beyond the scheme's syntax). Views into
// the text given to split_uri_reference.
namespace hookbot::token_cli {

struct uri_reference {
    std::optional<std::string_view> scheme;     // "https" in "https://h/p"
    std::optional<std::string_view> authority;  // "user@h:8080" in "https://user@h:8080/p"
    std::string_view path;                      // raw, still percent-encoded
    std::optional<std::string_view> query;      // without '?'
    std::optional<std::string_view> fragment;   // without '#'

    // The authority without its user-info: "h:8080".
    [[nodiscard]] std::optional<std::string_view> host_and_port() const;
};

uri_reference split_uri_reference(std::string_view text);

}  // namespace hookbot::token_cli
