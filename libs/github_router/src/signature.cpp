#include "hookbot/github_router/signature.hpp"

#include <openssl/crypto.h>

#include <string>

#include "hookbot/auth/token.hpp"

namespace hookbot::github_router {

bool signature_matches(std::string_view signature, std::string_view payload,
                       std::string_view secret) {
    if (secret.empty()) return false;
    auth::hash_kind hash = auth::hash_kind::sha256;
    std::string_view presented;
    if (signature.starts_with("sha256=")) {
        presented = signature.substr(7);
    } else if (signature.starts_with("sha1=")) {
        hash = auth::hash_kind::sha1;
        presented = signature.substr(5);
    } else {
        return false;
    }
    // The lowercase hex HMAC is what a token is (T1), so auth's make_token
    // computes it; the length is no secret, the digits are.
    const std::string expected = auth::make_token(secret, payload, hash);
    return presented.size() == expected.size() &&
           CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

}  // namespace hookbot::github_router
