#include "hmac_digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <stdexcept>
#include <string>

namespace hookbot::auth::detail {
namespace {

const EVP_MD* message_digest(hash_kind hash) noexcept {
    return hash == hash_kind::sha1 ? EVP_sha1() : EVP_sha256();
}

const unsigned char* bytes_of(std::string_view text) noexcept {
    return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::size_t digest_size(hash_kind hash) noexcept { return hash == hash_kind::sha1 ? 20 : 32; }

digest hmac_digest(std::string_view key, std::string_view message, hash_kind hash) {
    static_assert(max_digest_size <= EVP_MAX_MD_SIZE);
    digest result;
    unsigned int written = 0;
    // HMAC() (unlike HMAC_CTX) is not deprecated in OpenSSL 3.
    if (HMAC(message_digest(hash), key.data(), static_cast<int>(key.size()), bytes_of(message),
             message.size(), result.bytes.data(), &written) == nullptr ||
        written != digest_size(hash)) {
        throw std::runtime_error("HMAC-" + std::string(name_of(hash)) + " failed in OpenSSL");
    }
    result.size = written;
    return result;
}

}  // namespace hookbot::auth::detail
