#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <string_view>

#include "hookbot/auth/token.hpp"

// The raw HMAC bytes, kept on the stack: the verifier compares digests, not
// hex strings, so checking a request allocates nothing.
namespace hookbot::auth::detail {

inline constexpr std::size_t max_digest_size = 32;  // SHA-256

struct digest {
    std::array<unsigned char, max_digest_size> bytes{};
    std::size_t size = 0;

    [[nodiscard]] std::span<const unsigned char> view() const { return {bytes.data(), size}; }
};

std::size_t digest_size(hash_kind hash) noexcept;

// Throws std::runtime_error when OpenSSL fails (it does not for valid input).
digest hmac_digest(std::string_view key, std::string_view message, hash_kind hash);

}  // namespace hookbot::auth::detail
