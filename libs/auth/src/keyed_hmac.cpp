#include "hookbot/auth/keyed_hmac.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <atomic>
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

const unsigned char* key_or_message_bytes(std::string_view text) noexcept {
    // A null key or message would mean "none given" to OpenSSL, not "empty".
    static constexpr unsigned char empty = 0;
    return text.data() == nullptr ? &empty : reinterpret_cast<const unsigned char*>(text.data());
}

std::uint64_t new_identity() noexcept {
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
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
    : keyed_(EVP_MAC_CTX_new(&hmac_algorithm())), hash_(hash), identity_(new_identity()) {
    if (!keyed_) throw openssl_failure("context allocation", hash);
    // OSSL_PARAM takes a non-const pointer but only reads the name.
    std::string digest_name(hash == hash_kind::sha1 ? "SHA1" : "SHA256");
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(keyed_.get(), key_or_message_bytes(key), key.size(), params) != 1) {
        throw openssl_failure("keying", hash);
    }
}

keyed_hmac::keyed_hmac(const keyed_hmac& other)
    : keyed_(EVP_MAC_CTX_dup(other.keyed_.get())), hash_(other.hash_), identity_(new_identity()) {
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
    // This thread's working context, and which keyed_hmac it was copied
    // from. Re-initialising it without a key (EVP_MAC_init with no key)
    // restores the state right after keying, which HMAC keeps inside; only
    // a thread's first use of a key copies the whole keyed context.
    struct working_context {
        std::unique_ptr<EVP_MAC_CTX, context_free> context;
        std::uint64_t copied_from = 0;
    };
    thread_local working_context working;
    if (working.copied_from != identity_ || !working.context) {
        working.copied_from = 0;
        working.context.reset(EVP_MAC_CTX_dup(keyed_.get()));
        if (!working.context) throw openssl_failure("context copy", hash_);
        working.copied_from = identity_;
    } else if (EVP_MAC_init(working.context.get(), nullptr, 0, nullptr) != 1) {
        throw openssl_failure("re-initialising", hash_);
    }
    EVP_MAC_CTX* const work = working.context.get();
    hmac_bytes result;
    if (EVP_MAC_update(work, key_or_message_bytes(message), message.size()) != 1 ||
        EVP_MAC_final(work, result.bytes.data(), &result.size, result.bytes.size()) != 1) {
        working.copied_from = 0;  // in an unknown state: copied afresh next time
        throw openssl_failure("computing", hash_);
    }
    return result;
}

}  // namespace hookbot::auth
