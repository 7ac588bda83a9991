#pragma once

#include <string>
#include <string_view>

// docs/PROTOCOL.md D1.2, for a decoded path that starts with '/'.
namespace hookbot::routing::detail {

// False when the path holds "//", a "." segment or a ".." segment.
bool is_clean(std::string_view path) noexcept;

// Empty and "." segments removed, ".." resolved (never above the root), and a
// trailing '/' kept: Go's path.Clean as the original's ServeMux applies it.
std::string clean_path(std::string_view path);

}  // namespace hookbot::routing::detail
