#include "hmac_digest.hpp"

namespace hookbot::auth::detail {

std::size_t digest_size(hash_kind hash) noexcept {
    return hash == hash_kind::sha1 ? 20 : 32;
}

digest hmac_digest(std::string_view key, std::string_view message, hash_kind hash) {
    return keyed_hmac(key, hash).compute(message);
}

}  // namespace hookbot::auth::detail
