#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// docs/PROTOCOL.md T1 and D2.1: a token is the lowercase hex HMAC of a decoded URL
// path, keyed with the server's secret.
namespace hookbot::auth {

// SHA-256 is what the original's current releases use; SHA-1 tokens from its
// older releases are still in circulation.
enum class hash_kind { sha256, sha1 };

// "sha256" or "sha1".
std::string_view name_of(hash_kind hash) noexcept;

// Hex digits in a token of that kind: 64 for SHA-256, 40 for SHA-1.
std::size_t token_length(hash_kind hash) noexcept;

// The lowercase hex HMAC of `path` keyed with `key`.
std::string make_token(std::string_view key, std::string_view path,
                       hash_kind hash = hash_kind::sha256);

}  // namespace hookbot::auth
