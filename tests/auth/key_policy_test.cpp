#include "hookbot/auth/key_policy.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using hookbot::auth::check_serving_keys;
using hookbot::auth::is_placeholder_key;

TEST_CASE("placeholders from examples are refused, ignoring case") {
    for (const char* key : {"changeme", "ChangeMe", "CHANGE-ME", "secret", "Secret", "hookbot",
                            "your-key-here", "password"}) {
        CAPTURE(key);
        CHECK(is_placeholder_key(key));
    }
}

TEST_CASE("test keys and real keys are not placeholders") {
    for (const char* key : {"foo", "k", "process-test-key", "cli-key", "env-key", "bench-key",
                            "secrets", "my secret", "3f9d0c5e8a7b41d2"}) {
        CAPTURE(key);
        CHECK_FALSE(is_placeholder_key(key));
    }
}

TEST_CASE("check_serving_keys names the bad key by its place, never by its value") {
    CHECK_NOTHROW(check_serving_keys({"foo"}));
    CHECK_NOTHROW(check_serving_keys({"new-key", "old-key"}));
    CHECK_THROWS_WITH_AS(check_serving_keys({}), "no key", std::invalid_argument);
    CHECK_THROWS_WITH_AS(check_serving_keys({""}), "the key is empty", std::invalid_argument);
    try {
        check_serving_keys({"new-key", "changeme"});
        FAIL("a placeholder was accepted");
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        CHECK(message.starts_with("key 2 of 2 is a well-known placeholder, not a secret"));
        CHECK(message.find("changeme") == std::string::npos);
    }
}
