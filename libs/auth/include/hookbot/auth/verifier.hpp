#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/auth/keyed_hmac.hpp"
#include "hookbot/auth/token.hpp"

// Which tokens open which paths: docs/PROTOCOL.md T3, T4, T5 and D2.2.
namespace hookbot::auth {

class verifier {
  public:
    // Why a token was accepted, for logs and `hookbot-tokens verify`.
    struct match {
        std::size_t key_index = 0;  // into the keys given to the constructor
        hash_kind hash = hash_kind::sha256;
        // The string the token was made for: a '/'-terminated prefix of the
        // path, the path itself, or one of those without its leading "/pub"
        // or "/sub" segment. A view into the `path` given to find_match.
        std::string_view scope;
    };

    // Several keys allow key rotation: the first one signs (see signing_key),
    // every one verifies. `only_hash` restricts accepted tokens to one hash;
    // by default both are accepted (T1). Throws std::invalid_argument for an
    // empty key list or an empty key.
    explicit verifier(std::vector<std::string> keys,
                      std::optional<hash_kind> only_hash = std::nullopt);

    // `path` is the percent-decoded request path without query (D2.1).
    [[nodiscard]] std::optional<match> find_match(std::string_view token,
                                                  std::string_view path) const;
    [[nodiscard]] bool authorizes(std::string_view token, std::string_view path) const {
        return find_match(token, path).has_value();
    }

    [[nodiscard]] const std::string& signing_key() const noexcept { return keys_.front(); }
    [[nodiscard]] std::size_t key_count() const noexcept { return keys_.size(); }
    [[nodiscard]] bool accepts(hash_kind hash) const noexcept {
        return !only_hash_ || *only_hash_ == hash;
    }

  private:
    [[nodiscard]] const std::vector<keyed_hmac>& macs_for(hash_kind hash) const noexcept {
        return hash == hash_kind::sha1 ? sha1_macs_ : sha256_macs_;
    }

    std::vector<std::string> keys_;
    // One keyed context per key, for each accepted hash (index = key index).
    std::vector<keyed_hmac> sha256_macs_;
    std::vector<keyed_hmac> sha1_macs_;
    std::optional<hash_kind> only_hash_;
};

}  // namespace hookbot::auth
