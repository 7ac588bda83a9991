// docs/PROTOCOL.md T3, T4, T5 and every consequence listed under D2.2.
#include "hookbot/auth/verifier.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <stdexcept>
#include <string>

#include "hookbot/auth/token.hpp"

using hookbot::auth::hash_kind;
using hookbot::auth::make_token;
using hookbot::auth::verifier;

namespace {

const verifier foo_verifier{{"foo"}};

// A SHA-256 token for `scope` with the key "foo".
std::string token_for(std::string_view scope) {
    return make_token("foo", scope);
}

bool opens(std::string_view scope, std::string_view path) {
    return foo_verifier.authorizes(token_for(scope), path);
}

}  // namespace

TEST_CASE("T3: candidates are every '/'-terminated prefix and the path itself") {
    for (const std::string_view scope : {"/", "/pub/", "/pub/foo/", "/pub/foo/bar"}) {
        CAPTURE(scope);
        CHECK(opens(scope, "/pub/foo/bar"));
    }
    CHECK_FALSE(opens("/pub/fo", "/pub/foo/bar"));
    CHECK_FALSE(opens("/pub/foo/bar/", "/pub/foo/bar"));
}

TEST_CASE("D2.2: a token for /pub/foo/ opens /pub/foo/ and below, not /pub/foobar or /pub/foo") {
    CHECK(opens("/pub/foo/", "/pub/foo/"));
    CHECK(opens("/pub/foo/", "/pub/foo/bar"));
    CHECK(opens("/pub/foo/", "/pub/foo/bar/baz"));
    CHECK_FALSE(opens("/pub/foo/", "/pub/foobar"));
    CHECK_FALSE(opens("/pub/foo/", "/pub/foo"));
}

TEST_CASE("D2.2: a token for /pub/foo (no trailing slash) opens only /pub/foo") {
    CHECK(opens("/pub/foo", "/pub/foo"));
    CHECK_FALSE(opens("/pub/foo", "/pub/foo/"));
    CHECK_FALSE(opens("/pub/foo", "/pub/foo/bar"));
    CHECK_FALSE(opens("/pub/foo", "/pub/foox"));
    CHECK_FALSE(opens("/pub/P/po", "/pub/P/post"));
}

TEST_CASE("D2.2: a token for another topic is rejected") {
    CHECK_FALSE(opens("/pub/other", "/pub/foo"));
    CHECK_FALSE(opens("/pub/other/", "/pub/foo/bar"));
}

TEST_CASE("D2.2: a /pub/ token does not open the same /sub/ path, nor the reverse") {
    CHECK_FALSE(opens("/pub/foo/bar", "/sub/foo/bar"));
    CHECK_FALSE(opens("/sub/foo/bar", "/pub/foo/bar"));
    CHECK_FALSE(opens("/pub/foo/", "/sub/foo/bar"));
    CHECK_FALSE(opens("/sub/foo/", "/pub/foo/bar"));
}

TEST_CASE("D2.2 / T4: HMAC(\"/foo\") opens /pub/foo and /sub/foo") {
    CHECK(opens("/foo", "/pub/foo"));
    CHECK(opens("/foo", "/sub/foo"));
    CHECK_FALSE(opens("/foo", "/pub/foo/bar"));
}

TEST_CASE("D2.2 / T4: HMAC(\"/foo/\") opens everything below /pub/foo/ and /sub/foo/") {
    CHECK(opens("/foo/", "/pub/foo/"));
    CHECK(opens("/foo/", "/pub/foo/bar"));
    CHECK(opens("/foo/", "/sub/foo/bar/baz"));
    CHECK_FALSE(opens("/foo/", "/pub/foobar"));
    // And the root endpoint's own path.
    CHECK(opens("/foo/", "/foo/bar"));
}

TEST_CASE("D2.2: HMAC(\"/pub/\") publishes to any topic but cannot subscribe") {
    CHECK(opens("/pub/", "/pub/x"));
    CHECK(opens("/pub/", "/pub/a/b/c"));
    CHECK_FALSE(opens("/pub/", "/sub/x"));
    CHECK_FALSE(opens("/pub/", "/x"));
}

TEST_CASE("D2.2: HMAC(\"/\") is accepted on every authenticated path") {
    for (const std::string_view path :
         {"/pub/x", "/sub/x", "/sub/x/", "/x", "/", "/unsafe/sub/x", "/a/b/c"}) {
        CAPTURE(path);
        CHECK(opens("/", path));
    }
}

TEST_CASE("D2.2 this project: only a whole leading /pub or /sub segment is removed, once") {
    CHECK(opens("/x", "/pub/x"));
    CHECK(opens("/x", "/sub/x"));
    // The original's plain-string stripping opened these; this project does not.
    CHECK_FALSE(opens("/x", "/pub/sub/x"));
    CHECK_FALSE(opens("/x", "/sub/pub/x"));
    CHECK_FALSE(opens("x", "/pubx"));
    CHECK_FALSE(opens("/x", "/pubx"));
    // Removed once: /pub/sub/x still opens with HMAC("/sub/x").
    CHECK(opens("/sub/x", "/pub/sub/x"));
}

TEST_CASE("T4: /unsafe is never removed") {
    CHECK(opens("/unsafe/sub/x", "/unsafe/sub/x"));
    CHECK(opens("/unsafe/sub/", "/unsafe/sub/x"));
    CHECK_FALSE(opens("/x", "/unsafe/sub/x"));
    CHECK_FALSE(opens("/sub/x", "/unsafe/sub/x"));
    CHECK_FALSE(opens("/unsafe/x", "/unsafe/sub/x"));
}

TEST_CASE("T1: the test vectors verify, with both hashes accepted by default") {
    CHECK(foo_verifier.authorizes("2e1150434ba1d8c33bce7c82ee08b5d9850342c7", "/pub/foo/bar"));
    CHECK(foo_verifier.authorizes(
        "98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e", "/pub/foo/bar"));
    CHECK(foo_verifier.authorizes("025d52405676646b775882c3b6338bd9db0ae59c", "/sub/foo/x"));
    CHECK(foo_verifier.authorizes(
        "17e766e21309e8aeac544c3a89bd459a7e717a1de665d163e569f511877f1720", "/sub/foo/bar"));
}

TEST_CASE("T5: upper-case, truncated, extended, non-hex and empty tokens are not valid") {
    const std::string good = token_for("/pub/foo");
    REQUIRE(foo_verifier.authorizes(good, "/pub/foo"));
    std::string upper = good;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    REQUIRE(upper != good);
    CHECK_FALSE(foo_verifier.authorizes(upper, "/pub/foo"));
    CHECK_FALSE(foo_verifier.authorizes(good.substr(0, 63), "/pub/foo"));
    CHECK_FALSE(foo_verifier.authorizes(good.substr(0, 40), "/pub/foo"));
    CHECK_FALSE(foo_verifier.authorizes(good + "0", "/pub/foo"));
    CHECK_FALSE(foo_verifier.authorizes(good.substr(0, 62) + "zz", "/pub/foo"));
    CHECK_FALSE(foo_verifier.authorizes("", "/pub/foo"));
}

TEST_CASE("T5: no byte other than 0-9 and a-f passes for a digit") {
    // Where the token has an 'f', a decoder that let a wrong byte through
    // as 15 (its low bits, say) would compute the same digest and accept.
    const std::string good = token_for("/pub/foo");
    const std::size_t high = good.find('f');
    REQUIRE(high != std::string::npos);
    for (int byte = 0; byte < 256; ++byte) {
        const char c = static_cast<char>(byte);
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) continue;
        for (std::size_t at = 0; at < good.size(); ++at) {
            if (good[at] != 'f') continue;
            std::string bad = good;
            bad[at] = c;
            CAPTURE(byte);
            CAPTURE(at);
            CHECK_FALSE(foo_verifier.authorizes(bad, "/pub/foo"));
        }
    }
}

TEST_CASE("T1: an option restricts the verifier to one hash") {
    const std::string sha1 = make_token("foo", "/pub/foo", hash_kind::sha1);
    const std::string sha256 = make_token("foo", "/pub/foo", hash_kind::sha256);
    const verifier sha256_only{{"foo"}, hash_kind::sha256};
    const verifier sha1_only{{"foo"}, hash_kind::sha1};
    CHECK(sha256_only.authorizes(sha256, "/pub/foo"));
    CHECK_FALSE(sha256_only.authorizes(sha1, "/pub/foo"));
    CHECK(sha1_only.authorizes(sha1, "/pub/foo"));
    CHECK_FALSE(sha1_only.authorizes(sha256, "/pub/foo"));
}

TEST_CASE("key rotation: every key verifies, the first one signs") {
    const verifier rotating{{"new", "old"}};
    CHECK(rotating.signing_key() == "new");
    const auto by_new = rotating.find_match(make_token("new", "/pub/x"), "/pub/x");
    const auto by_old = rotating.find_match(make_token("old", "/pub/x"), "/pub/x");
    REQUIRE(by_new);
    REQUIRE(by_old);
    CHECK(by_new->key_index == 0);
    CHECK(by_old->key_index == 1);
    CHECK_FALSE(rotating.authorizes(make_token("other", "/pub/x"), "/pub/x"));
}

TEST_CASE("find_match says which hash and which scope opened the path") {
    const std::string path = "/sub/foo/bar";
    const auto directory =
        foo_verifier.find_match(make_token("foo", "/foo/", hash_kind::sha1), path);
    REQUIRE(directory);
    CHECK(directory->hash == hash_kind::sha1);
    CHECK(directory->scope == "/foo/");
    CHECK(directory->key_index == 0);

    const auto exact = foo_verifier.find_match(token_for(path), path);
    REQUIRE(exact);
    CHECK(exact->hash == hash_kind::sha256);
    CHECK(exact->scope == path);
}

TEST_CASE("a verifier needs at least one non-empty key") {
    CHECK_THROWS_AS(verifier({}), std::invalid_argument);
    CHECK_THROWS_AS(verifier({"foo", ""}), std::invalid_argument);
}
