#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

// Keys a server must refuse to start with: anyone could make tokens for them.
namespace hookbot::auth {

// What examples, templates and tutorials put where a key goes (README
// "Keys"). Compared ignoring case. Short test keys such as docs/PROTOCOL.md's
// "foo" are deliberately not here: this list catches a copied example, not
// a weak key.
inline constexpr std::array<std::string_view, 12> placeholder_keys{
    "changeme",    "change-me",  "change_me",     "replaceme", "replace-me", "secret",
    "your-secret", "yoursecret", "your-key-here", "password",  "hookbot",    "example"};

[[nodiscard]] bool is_placeholder_key(std::string_view key) noexcept;

// Throws std::invalid_argument when there is no key, or a key is empty or a
// placeholder. The message names the key by its place ("key 2 of 3"), never
// by its value.
void check_serving_keys(const std::vector<std::string>& keys);

}  // namespace hookbot::auth
