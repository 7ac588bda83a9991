// docs/PROTOCOL.md T1 and its test vectors (key "foo").
#include "hookbot/auth/token.hpp"

#include <doctest/doctest.h>

using hookbot::auth::hash_kind;
using hookbot::auth::make_token;

TEST_CASE("T1 vectors: HMAC-SHA1 with key foo") {
    CHECK(make_token("foo", "/pub/foo/bar", hash_kind::sha1) ==
          "2e1150434ba1d8c33bce7c82ee08b5d9850342c7");
    CHECK(make_token("foo", "/sub/foo/bar", hash_kind::sha1) ==
          "732f7751fe0628ad6766135d0da50a2fee1d431d");
    CHECK(make_token("foo", "/sub/foo/", hash_kind::sha1) ==
          "025d52405676646b775882c3b6338bd9db0ae59c");
    CHECK(make_token("foo", "/foo/bar", hash_kind::sha1) ==
          "bc91d311e5ac5208a5142bd1016b8c862a2644a8");
}

TEST_CASE("T1 vectors: HMAC-SHA256 with key foo") {
    CHECK(make_token("foo", "/pub/foo/bar", hash_kind::sha256) ==
          "98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e");
    CHECK(make_token("foo", "/sub/foo/bar", hash_kind::sha256) ==
          "4818b2b10c2fd6de08ae7ba4140860aea56820e6d086d822595b8a6429bc991f");
    CHECK(make_token("foo", "/sub/foo/", hash_kind::sha256) ==
          "0a14ad756fad3ee5561fd802716f32b4a03b9543fb3620dbc8d51305f70445a4");
    CHECK(make_token("foo", "/foo/bar", hash_kind::sha256) ==
          "17e766e21309e8aeac544c3a89bd459a7e717a1de665d163e569f511877f1720");
}

TEST_CASE("T1: SHA-256 is the default hash") {
    CHECK(make_token("foo", "/pub/foo/bar") ==
          make_token("foo", "/pub/foo/bar", hash_kind::sha256));
}

TEST_CASE("T1: the key matters") {
    CHECK(make_token("bar", "/pub/foo/bar") != make_token("foo", "/pub/foo/bar"));
}

TEST_CASE("token lengths: 64 hex digits for SHA-256, 40 for SHA-1") {
    CHECK(hookbot::auth::token_length(hash_kind::sha256) == 64);
    CHECK(hookbot::auth::token_length(hash_kind::sha1) == 40);
    CHECK(make_token("k", "/", hash_kind::sha256).size() == 64);
    CHECK(make_token("k", "/", hash_kind::sha1).size() == 40);
}

TEST_CASE("a token covers the path bytes exactly, NUL and non-ASCII included") {
    using namespace std::string_literals;
    CHECK(make_token("foo", "/pub/a\0b"s) != make_token("foo", "/pub/a"));
    CHECK(make_token("foo", "/pub/\xc3\xa9") != make_token("foo", "/pub/e"));
}
