#include "hookbot/auth/verifier.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>

#include "hmac_digest.hpp"

namespace hookbot::auth {
namespace {

// A lowercase hex digit's value; 0xff for every other byte.
constexpr std::array<std::uint8_t, 256> lowercase_hex_values = [] {
    std::array<std::uint8_t, 256> values{};
    values.fill(0xff);
    for (int digit = 0; digit < 10; ++digit) values['0' + digit] = static_cast<std::uint8_t>(digit);
    for (int digit = 0; digit < 6; ++digit)
        values['a' + digit] = static_cast<std::uint8_t>(10 + digit);
    return values;
}();

// T5: only lowercase hex is a token; anything else can match nothing, so it
// is turned away before any HMAC is computed. A table and one check at the
// end: branching on each digit mispredicted on every token (9 % of the
// acceptor's own time in the many-topics bench).
std::optional<detail::digest> decode_lowercase_hex(std::string_view hex) {
    if (hex.size() % 2 != 0 || hex.size() / 2 > detail::max_digest_size) return std::nullopt;
    detail::digest decoded;
    decoded.size = hex.size() / 2;
    std::uint8_t invalid = 0;
    for (std::size_t i = 0; i < decoded.size; ++i) {
        const std::uint8_t high = lowercase_hex_values[static_cast<unsigned char>(hex[2 * i])];
        const std::uint8_t low = lowercase_hex_values[static_cast<unsigned char>(hex[2 * i + 1])];
        invalid |= high | low;
        decoded.bytes[i] = static_cast<unsigned char>((high << 4) | (low & 0x0f));
    }
    // A valid digit is below 16; 0xff has the high bits set.
    if ((invalid & 0xf0) != 0) return std::nullopt;
    return decoded;
}

// T4 and D2.2, this project's rule: a whole leading "/pub" or "/sub" segment
// is removed, once ("/pub/x" -> "/x", "/pub/" -> "/"). The original strips
// them as plain strings, so that a token for "/x" also opened "/pub/sub/x".
std::optional<std::string_view> without_pub_or_sub(std::string_view scope) {
    if (scope.starts_with("/pub/") || scope.starts_with("/sub/")) return scope.substr(4);
    return std::nullopt;
}

}  // namespace

verifier::verifier(std::vector<std::string> keys, std::optional<hash_kind> only_hash)
    : keys_(std::move(keys)), only_hash_(only_hash) {
    if (keys_.empty()) throw std::invalid_argument("token verifier: no key given");
    if (std::ranges::any_of(keys_, [](const std::string& key) { return key.empty(); })) {
        throw std::invalid_argument("token verifier: empty key (anyone could make tokens)");
    }
    for (const std::string& key : keys_) {
        if (accepts(hash_kind::sha256)) sha256_macs_.emplace_back(key, hash_kind::sha256);
        if (accepts(hash_kind::sha1)) sha1_macs_.emplace_back(key, hash_kind::sha1);
    }
}

std::optional<verifier::match> verifier::find_match(std::string_view token,
                                                    std::string_view path) const {
    // The token's length says which hash it claims to be; only that one is
    // computed.
    hash_kind hash = hash_kind::sha256;
    if (token.size() == token_length(hash_kind::sha1)) {
        hash = hash_kind::sha1;
    } else if (token.size() != token_length(hash_kind::sha256)) {
        return std::nullopt;
    }
    if (!accepts(hash)) return std::nullopt;
    const std::optional<detail::digest> presented = decode_lowercase_hex(token);
    if (!presented) return std::nullopt;

    const std::vector<keyed_hmac>& macs = macs_for(hash);
    const auto try_scope = [&](std::string_view scope) -> std::optional<match> {
        for (std::size_t key_index = 0; key_index < macs.size(); ++key_index) {
            const detail::digest expected = macs[key_index].compute(scope);
            if (CRYPTO_memcmp(expected.bytes.data(), presented->bytes.data(), expected.size) == 0) {
                return match{key_index, hash, scope};
            }
        }
        return std::nullopt;
    };

    // T3: every prefix ending in '/', and the path itself (unless it ends in
    // '/', in which case it was the last prefix). Any order accepts the same
    // tokens; the longest first, because clients mostly hold a token for the
    // exact path and one HMAC then settles it.
    for (std::size_t end = path.size(); end-- > 0;) {
        if (path[end] != '/' && end + 1 != path.size()) continue;
        const std::string_view scope = path.substr(0, end + 1);
        if (auto found = try_scope(scope)) return found;
        if (const auto shorter = without_pub_or_sub(scope)) {
            if (auto found = try_scope(*shorter)) return found;
        }
    }
    return std::nullopt;
}

}  // namespace hookbot::auth
