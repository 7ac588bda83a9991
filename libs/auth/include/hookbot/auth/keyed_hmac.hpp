#pragma once

#include <openssl/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "hookbot/auth/token.hpp"

// An HMAC key made ready once: OpenSSL 3 looks algorithms up by name at run
// time (a lock, string compares, reference counts), and keying an HMAC hashes
// the key into two digest states. A token check on the request path should
// pay for neither, so the algorithm is fetched once per process and each key
// is turned into a keyed context once. A check runs on a per-thread copy of
// that context, re-initialised to the keyed state (no allocation of a whole
// context per check).
namespace hookbot::auth {

// The raw HMAC bytes, kept on the stack: the verifier compares digests, not
// hex strings.
struct hmac_bytes {
    static constexpr std::size_t max_size = 32;  // SHA-256

    std::array<unsigned char, max_size> bytes{};
    std::size_t size = 0;

    [[nodiscard]] std::span<const unsigned char> view() const { return {bytes.data(), size}; }
};

class keyed_hmac {
  public:
    // Throws std::runtime_error when OpenSSL cannot set the key up (it does
    // not for a valid hash).
    keyed_hmac(std::string_view key, hash_kind hash);
    keyed_hmac(const keyed_hmac& other);
    keyed_hmac& operator=(const keyed_hmac& other);
    keyed_hmac(keyed_hmac&&) noexcept;
    keyed_hmac& operator=(keyed_hmac&&) noexcept;
    ~keyed_hmac();

    // HMAC(key, message). Safe to call from several threads at once: the
    // keyed context is only read (copied into each thread's working context
    // when that thread last used another key), never changed.
    [[nodiscard]] hmac_bytes compute(std::string_view message) const;

    [[nodiscard]] hash_kind hash() const noexcept { return hash_; }

  private:
    struct context_free {
        void operator()(EVP_MAC_CTX* context) const noexcept;
    };
    std::unique_ptr<EVP_MAC_CTX, context_free> keyed_;
    hash_kind hash_;
    // Tells the threads' working contexts which key they hold: unique per
    // object ever made, copies included (an address could be reused).
    std::uint64_t identity_;
};

}  // namespace hookbot::auth
