// keyed_hmac: a key set up once, many HMACs from it (RFC 4231 / RFC 2202).
#include "hookbot/auth/keyed_hmac.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "hookbot/auth/token.hpp"

using hookbot::auth::hash_kind;
using hookbot::auth::hmac_bytes;
using hookbot::auth::keyed_hmac;
using hookbot::auth::make_token;

namespace {

std::string hex(const hmac_bytes& mac) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    for (const unsigned char byte : mac.view()) {
        out += digits[byte >> 4U];
        out += digits[byte & 0x0FU];
    }
    return out;
}

}  // namespace

TEST_CASE("keyed_hmac matches the published test vectors") {
    // RFC 4231 test case 2 and RFC 2202 test case 2.
    CHECK(hex(keyed_hmac("Jefe", hash_kind::sha256).compute("what do ya want for nothing?")) ==
          "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    CHECK(hex(keyed_hmac("Jefe", hash_kind::sha1).compute("what do ya want for nothing?")) ==
          "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
}

TEST_CASE("keyed_hmac: every computation starts from the key, not from the previous message") {
    const keyed_hmac mac("bench-key", hash_kind::sha256);
    const std::string first = hex(mac.compute("/pub/a"));
    CHECK(hex(mac.compute("/pub/b")) == make_token("bench-key", "/pub/b"));
    CHECK(hex(mac.compute("/pub/a")) == first);
    CHECK(first == make_token("bench-key", "/pub/a"));
    CHECK(hex(mac.compute("")) == make_token("bench-key", ""));
}

TEST_CASE("keyed_hmac: copies and moves keep the key") {
    const keyed_hmac original("k", hash_kind::sha1);
    keyed_hmac copy = original;
    CHECK(copy.hash() == hash_kind::sha1);
    CHECK(hex(copy.compute("/x")) == make_token("k", "/x", hash_kind::sha1));
    keyed_hmac moved = std::move(copy);
    CHECK(hex(moved.compute("/x")) == make_token("k", "/x", hash_kind::sha1));
    copy = moved;
    CHECK(hex(copy.compute("/y")) == make_token("k", "/y", hash_kind::sha1));
}

TEST_CASE("keyed_hmac: one key used from several threads at once") {
    const keyed_hmac mac("shared", hash_kind::sha256);
    const std::string expected = make_token("shared", "/pub/topic");
    std::vector<int> mismatches(4, 0);
    {
        std::vector<std::jthread> threads;
        for (std::size_t t = 0; t < mismatches.size(); ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 500; ++i) {
                    if (hex(mac.compute("/pub/topic")) != expected) ++mismatches[t];
                }
            });
        }
    }
    for (const int count : mismatches) CHECK(count == 0);
}

TEST_CASE("keyed_hmac: alternating keys on one thread never mix them up") {
    const keyed_hmac first("first-key", hash_kind::sha256);
    const keyed_hmac second("second-key", hash_kind::sha256);
    for (int round = 0; round < 3; ++round) {
        CHECK(hex(first.compute("/pub/t")) == make_token("first-key", "/pub/t"));
        CHECK(hex(first.compute("/pub/u")) == make_token("first-key", "/pub/u"));
        CHECK(hex(second.compute("/pub/t")) == make_token("second-key", "/pub/t"));
    }
    // A new key made where an old one lived is a different key.
    for (int round = 0; round < 3; ++round) {
        const keyed_hmac shortlived("key-" + std::to_string(round), hash_kind::sha1);
        CHECK(hex(shortlived.compute("/x")) ==
              make_token("key-" + std::to_string(round), "/x", hash_kind::sha1));
    }
}
