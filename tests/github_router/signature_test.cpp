#include "hookbot/github_router/signature.hpp"

#include <doctest/doctest.h>

#include <string>

using hookbot::github_router::signature_matches;

namespace {

// Computed independently, with Python's hmac module.
constexpr std::string_view payload =
    R"({"ref":"refs/heads/main","after":"abc123","repository":{"full_name":"octo/hello"},)"
    R"("pusher":{"name":"mona"}})";
constexpr std::string_view sha256 =
    "sha256=77370847a1ed6d5ac3e603735cf34e7ca908e7362ef68ea2b78289e1070a8aeb";
constexpr std::string_view sha1 = "sha1=78292c72e0a3b8ec6eff5563379d83c7849eb53e";

}  // namespace

TEST_CASE("R1: sha256= and legacy sha1= HMACs of the payload match") {
    CHECK(signature_matches(sha256, payload, "gh-secret"));
    CHECK(signature_matches(sha1, payload, "gh-secret"));
}

TEST_CASE("R1: another secret, another payload or a changed digit does not match") {
    CHECK_FALSE(signature_matches(sha256, payload, "other-secret"));
    CHECK_FALSE(signature_matches(sha256, std::string(payload) + " ", "gh-secret"));
    std::string changed(sha256);
    changed.back() = changed.back() == '0' ? '1' : '0';
    CHECK_FALSE(signature_matches(changed, payload, "gh-secret"));
}

TEST_CASE("R1: the digest must be whole lowercase hex after a known prefix") {
    std::string upper(sha256);
    for (char& c : upper.replace(0, 7, "")) c = static_cast<char>(std::toupper(c));
    CHECK_FALSE(signature_matches("sha256=" + upper, payload, "gh-secret"));
    CHECK_FALSE(signature_matches(sha256.substr(0, sha256.size() - 1), payload, "gh-secret"));
    CHECK_FALSE(signature_matches(std::string(sha256) + "0", payload, "gh-secret"));
    CHECK_FALSE(signature_matches("SHA256=" + std::string(sha256.substr(7)), payload, "gh-secret"));
    CHECK_FALSE(signature_matches(sha256.substr(7), payload, "gh-secret"));  // no prefix
    CHECK_FALSE(signature_matches("sha1=" + std::string(sha256.substr(7)), payload, "gh-secret"));
    CHECK_FALSE(signature_matches("sha256=", payload, "gh-secret"));
    CHECK_FALSE(signature_matches("", payload, "gh-secret"));
}

TEST_CASE("R1: an empty secret verifies nothing") {
    const std::string empty_key_signature =
        "sha256=b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad";  // HMAC("", "")
    CHECK_FALSE(signature_matches(empty_key_signature, "", ""));
}
