#include "hookbot/auth/token.hpp"

#include "hmac_digest.hpp"

namespace hookbot::auth {

std::string_view name_of(hash_kind hash) noexcept {
    return hash == hash_kind::sha1 ? "sha1" : "sha256";
}

std::size_t token_length(hash_kind hash) noexcept {
    return 2 * detail::digest_size(hash);
}

std::string make_token(std::string_view key, std::string_view path, hash_kind hash) {
    static constexpr std::string_view digits = "0123456789abcdef";
    const detail::digest mac = detail::hmac_digest(key, path, hash);
    std::string hex;
    hex.reserve(2 * mac.size);
    for (const unsigned char byte : mac.view()) {
        hex += digits[byte >> 4U];
        hex += digits[byte & 0x0FU];
    }
    return hex;
}

}  // namespace hookbot::auth
