// The pieces of one make-tokens line, without the command line around them.
#include "hookbot/token_cli/token_url.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using hookbot::auth::hash_kind;
using hookbot::auth::make_token;
using hookbot::token_cli::bare_token;
using hookbot::token_cli::token_settings;
using hookbot::token_cli::token_url;

namespace {
const token_settings foo_sha1{"foo", hash_kind::sha1};
}

TEST_CASE("token_url: the protocol's example") {
    CHECK(token_url("/pub/foo/bar", "http://127.0.0.1:18080", foo_sha1) ==
          "http://2e1150434ba1d8c33bce7c82ee08b5d9850342c7@127.0.0.1:18080/pub/foo/bar");
}

TEST_CASE("token_url: a URL with a host and no path stands for /") {
    CHECK(token_url("https://own", "http://h", foo_sha1) ==
          "https://" + make_token("foo", "/", hash_kind::sha1) + "@own/");
    CHECK(bare_token("https://own?q", foo_sha1) == make_token("foo", "/", hash_kind::sha1));
}

TEST_CASE("token_url: IPv6 hosts and ports are copied as written") {
    CHECK(token_url("/pub/x", "https://[::1]:8443", foo_sha1) ==
          "https://" + make_token("foo", "/pub/x", hash_kind::sha1) + "@[::1]:8443/pub/x");
}

TEST_CASE("token_url and bare_token: errors name the culprit") {
    CHECK_THROWS_WITH_AS(bare_token("/pub/%zz", foo_sha1), doctest::Contains("/pub/%zz"),
                         std::invalid_argument);
    CHECK_THROWS_WITH_AS(token_url("relative/x", "http://h", foo_sha1),
                         doctest::Contains("relative/x"), std::invalid_argument);
    CHECK_THROWS_WITH_AS(token_url("/pub/x", "h:80", foo_sha1), doctest::Contains("h:80"),
                         std::invalid_argument);
}
