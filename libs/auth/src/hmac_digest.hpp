#pragma once

#include <cstddef>
#include <string_view>

#include "hookbot/auth/keyed_hmac.hpp"
#include "hookbot/auth/token.hpp"

namespace hookbot::auth::detail {

using digest = hmac_bytes;
inline constexpr std::size_t max_digest_size = hmac_bytes::max_size;

std::size_t digest_size(hash_kind hash) noexcept;

// One HMAC with a key used once (making tokens). Throws std::runtime_error
// when OpenSSL fails (it does not for valid input).
digest hmac_digest(std::string_view key, std::string_view message, hash_kind hash);

}  // namespace hookbot::auth::detail
