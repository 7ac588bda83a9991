// docs/PROTOCOL.md T2 and D2.3.
#include "hookbot/auth/authorization.hpp"

#include <doctest/doctest.h>

#include <string>

#include "hookbot/auth/base64.hpp"

using hookbot::auth::base64_encode;
using hookbot::auth::token_from_authorization;

namespace {
constexpr std::string_view token =
    "98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e";

std::string basic(std::string_view user_and_password) {
    return "Basic " + base64_encode(user_and_password);
}
}  // namespace

TEST_CASE("D2.3 Basic: the user name is the token, the password is ignored") {
    CHECK(token_from_authorization(basic(std::string(token) + ":anything")) == token);
    CHECK(token_from_authorization(basic(std::string(token) + ":")) == token);
    CHECK(token_from_authorization(basic(std::string(token) + ":a:b")) == token);
}

TEST_CASE("D2.3 Basic without a colon is not accepted") {
    CHECK_FALSE(token_from_authorization(basic(token)));
}

TEST_CASE("D2.3 a token in the password is not accepted") {
    CHECK_FALSE(token_from_authorization(basic(":" + std::string(token))));
    CHECK(token_from_authorization(basic("user:" + std::string(token))) == "user");
}

TEST_CASE("D2.3 Basic with invalid base64 is not accepted") {
    CHECK_FALSE(token_from_authorization("Basic !!!!"));
    std::string unpadded = base64_encode(std::string(token) + ":x");
    while (unpadded.ends_with('=')) unpadded.pop_back();
    unpadded.pop_back();  // and never a multiple of four
    CHECK_FALSE(token_from_authorization("Basic " + unpadded));
}

TEST_CASE("D2.3 Bearer: the credential is the token") {
    CHECK(token_from_authorization("Bearer " + std::string(token)) == token);
}

TEST_CASE("D2.3 the scheme is case-insensitive") {
    const std::string credential = base64_encode(std::string(token) + ":x");
    CHECK(token_from_authorization("basic " + credential) == token);
    CHECK(token_from_authorization("BASIC " + credential) == token);
    CHECK(token_from_authorization("bearer " + std::string(token)) == token);
    CHECK(token_from_authorization("BEARER " + std::string(token)) == token);
    CHECK(token_from_authorization("bEaReR " + std::string(token)) == token);
}

TEST_CASE("D2.3 exactly two whitespace-separated fields") {
    CHECK_FALSE(token_from_authorization(""));
    CHECK_FALSE(token_from_authorization("   "));
    CHECK_FALSE(token_from_authorization("Bearer"));
    CHECK_FALSE(token_from_authorization(token));
    CHECK_FALSE(token_from_authorization("Bearer " + std::string(token) + " extra"));
    CHECK_FALSE(token_from_authorization(basic(std::string(token) + ":x") + " extra"));
    // Runs of spaces and tabs separate, they are not fields.
    CHECK(token_from_authorization("Bearer \t " + std::string(token)) == token);
    CHECK(token_from_authorization(" Bearer " + std::string(token) + " ") == token);
}

TEST_CASE("D2.3 any other scheme is no token") {
    CHECK_FALSE(token_from_authorization("Digest " + std::string(token)));
    CHECK_FALSE(token_from_authorization("Token " + std::string(token)));
    CHECK_FALSE(token_from_authorization("Basics " + base64_encode(std::string(token) + ":x")));
}

TEST_CASE("an empty token is no token") {
    CHECK_FALSE(token_from_authorization(basic(":")));
}
