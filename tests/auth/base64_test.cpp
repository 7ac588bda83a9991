#include "hookbot/auth/base64.hpp"

#include <doctest/doctest.h>

#include <string>

using hookbot::auth::base64_decode;
using hookbot::auth::base64_encode;
using namespace std::string_literals;

TEST_CASE("base64_encode: RFC 4648 test vectors, padded") {
    CHECK(base64_encode("") == "");
    CHECK(base64_encode("f") == "Zg==");
    CHECK(base64_encode("fo") == "Zm8=");
    CHECK(base64_encode("foo") == "Zm9v");
    CHECK(base64_encode("foob") == "Zm9vYg==");
    CHECK(base64_encode("fooba") == "Zm9vYmE=");
    CHECK(base64_encode("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64_encode: standard alphabet, binary bytes, no line breaks") {
    CHECK(base64_encode("\xfb\xff"s) == "+/8=");
    CHECK(base64_encode("\0\0\0"s) == "AAAA");
    const std::string long_body(100, 'x');
    CHECK(base64_encode(long_body).find('\n') == std::string::npos);
    CHECK(base64_encode(long_body).size() == 136);
}

TEST_CASE("base64_decode: round trip of every padding length") {
    for (const std::string& bytes : {""s, "f"s, "fo"s, "foo"s, "a\0b\xff"s, "token:password"s}) {
        CAPTURE(bytes);
        CHECK(base64_decode(base64_encode(bytes)) == bytes);
    }
}

TEST_CASE("base64_decode: rejects what is not canonical padded base64") {
    CHECK_FALSE(base64_decode("Zg"));     // padding missing
    CHECK_FALSE(base64_decode("Zg="));    // padding short
    CHECK_FALSE(base64_decode("Z==="));   // too much padding
    CHECK_FALSE(base64_decode("Zg=a"));   // '=' inside
    CHECK_FALSE(base64_decode("=Zg="));   // '=' first
    CHECK_FALSE(base64_decode(" Zg=="));  // whitespace OpenSSL would skip
    CHECK_FALSE(base64_decode("Zg==\n"));
    CHECK_FALSE(base64_decode("Zh=="));      // stray bits in the last digit
    CHECK_FALSE(base64_decode("Z!=="));      // not in the alphabet
    CHECK_FALSE(base64_decode("Zm9v-_=="));  // URL-safe alphabet
}
