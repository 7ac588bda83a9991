#include "hookbot/auth/keyed_hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <stdexcept>
#include <string>

namespace hookbot::auth {
namespace {

struct mac_free {
    void operator()(EVP_MAC* mac) const noexcept { EVP_MAC_free(mac); }
};

// Fetched on first use and kept for the life of the process (a function
// static: thread-safe initialisation, freed at exit before OpenSSL's own
// cleanup, which was registered earlier).
EVP_MAC& hmac_algorithm() {
    static const std::unique_ptr<EVP_MAC, mac_free> algorithm{
        EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr)};
    if (!algorithm) throw std::runtime_error("OpenSSL has no HMAC implementation");
    return *algorithm;
}

const unsigned char* bytes_of(std::string_view text) noexcept {
    // A null key or message would mean "none given" to OpenSSL, not "empty".
    static constexpr unsigned char empty = 0;
    return text.data() == nullptr ? &empty : reinterpret_cast<const unsigned char*>(text.data());
}

std::runtime_error openssl_failure(std::string_view what, hash_kind hash) {
    return std::runtime_error("HMAC-" + std::string(name_of(hash)) + ": " + std::string(what) +
                              " failed in OpenSSL");
}

}  // namespace

void keyed_hmac::context_free::operator()(EVP_MAC_CTX* context) const noexcept {
    EVP_MAC_CTX_free(context);
}

keyed_hmac::keyed_hmac(std::string_view key, hash_kind hash)
    : keyed_(EVP_MAC_CTX_new(&hmac_algorithm())), hash_(hash) {
    if (!keyed_) throw openssl_failure("context allocation", hash);
    // OSSL_PARAM takes a non-const pointer but only reads the name.
    std::string digest_name(hash == hash_kind::sha1 ? "SHA1" : "SHA256");
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(keyed_.get(), bytes_of(key), key.size(), params) != 1) {
        throw openssl_failure("keying", hash);
    }
}

keyed_hmac::keyed_hmac(const keyed_hmac& other)
    : keyed_(EVP_MAC_CTX_dup(other.keyed_.get())), hash_(other.hash_) {
    if (!keyed_) throw openssl_failure("context copy", hash_);
}

keyed_hmac& keyed_hmac::operator=(const keyed_hmac& other) {
    if (this != &other) *this = keyed_hmac(other);
    return *this;
}

keyed_hmac::keyed_hmac(keyed_hmac&&) noexcept = default;
keyed_hmac& keyed_hmac::operator=(keyed_hmac&&) noexcept = default;
keyed_hmac::~keyed_hmac() = default;

hmac_bytes keyed_hmac::compute(std::string_view message) const {
    // The duplicate starts where the key left the digest states: what is
    // left is hashing the message and finishing the outer hash.
    const std::unique_ptr<EVP_MAC_CTX, context_free> work(EVP_MAC_CTX_dup(keyed_.get()));
    hmac_bytes result;
    if (!work || EVP_MAC_update(work.get(), bytes_of(message), message.size()) != 1 ||
        EVP_MAC_final(work.get(), result.bytes.data(), &result.size, result.bytes.size()) != 1) {
        throw openssl_failure("computing", hash_);
    }
    return result;
}

}  // namespace hookbot::auth
