// Where the keys come from, and in which order (README "Keys").
#include "hookbot/auth/key_source.hpp"

#include <doctest/doctest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/temporary_directory.hpp"

using hookbot::auth::find_key_source;
using hookbot::auth::key_flags;
using hookbot::auth::key_source;
using hookbot::auth::load_keys;

namespace {

using environment = std::map<std::string, std::string, std::less<>>;

std::optional<key_source> find(const key_flags& flags, const environment& env) {
    return find_key_source(flags, [&env](std::string_view name) -> std::optional<std::string> {
        const auto found = env.find(name);
        if (found == env.end()) return std::nullopt;
        return found->second;
    });
}

}  // namespace

TEST_CASE("nothing anywhere: no source (the caller says HOOKBOT_KEY not set)") {
    CHECK_FALSE(find({}, {}).has_value());
    CHECK_FALSE(find({}, {{"HOOKBOT_KEY", ""}, {"HOOKBOT_KEY_FILE", ""}}).has_value());
    CHECK_FALSE(find({}, {{"CREDENTIALS_DIRECTORY", "/nonexistent"}}).has_value());
}

TEST_CASE("HOOKBOT_KEY alone: a literal key, as before") {
    const auto source = find({}, {{"HOOKBOT_KEY", "env-key"}});
    REQUIRE(source.has_value());
    CHECK_FALSE(source->is_file());
    CHECK(source->description == "HOOKBOT_KEY");
    CHECK(load_keys(*source) == std::vector<std::string>{"env-key"});
}

TEST_CASE("order: a flag, then a variable, then the systemd credential") {
    const temporary_directory credentials;
    credentials.write("hookbot-key", "credential-key\n");
    environment env{{"CREDENTIALS_DIRECTORY", credentials.path("")}};

    auto source = find({}, env);
    REQUIRE(source.has_value());
    CHECK(source->is_file());
    CHECK(source->value == credentials.path("hookbot-key"));
    CHECK(source->description == "systemd credential " + credentials.path("hookbot-key"));
    CHECK(load_keys(*source) == std::vector<std::string>{"credential-key"});

    env["HOOKBOT_KEY_FILE"] = "/etc/hookbot/key";
    source = find({}, env);
    CHECK(source->description == "HOOKBOT_KEY_FILE /etc/hookbot/key");
    CHECK(source->value == "/etc/hookbot/key");

    source = find({.key = "", .key_file = "/srv/key"}, env);
    CHECK(source->description == "--key-file /srv/key");
    source = find({.key = "flag-key", .key_file = ""}, env);
    CHECK(source->description == "--key");
    CHECK(source->value == "flag-key");
}

TEST_CASE("two sources at one level are an error, not a guess") {
    CHECK_THROWS_WITH_AS(find({.key = "k", .key_file = "/f"}, {}),
                         "both --key and --key-file are given; keep one", std::invalid_argument);
    CHECK_THROWS_WITH_AS(find({}, {{"HOOKBOT_KEY", "k"}, {"HOOKBOT_KEY_FILE", "/f"}}),
                         "both HOOKBOT_KEY and HOOKBOT_KEY_FILE are given; keep one",
                         std::invalid_argument);
    // A flag settles it: the variables below it do not matter.
    CHECK(find({.key = "", .key_file = "/f"}, {{"HOOKBOT_KEY", "k"}, {"HOOKBOT_KEY_FILE", "/g"}})
              ->value == "/f");
}

TEST_CASE("a named key file that cannot be read is an error, not a fall-through") {
    const temporary_directory folder;
    const auto source = find({}, {{"HOOKBOT_KEY_FILE", folder.path("missing")}});
    REQUIRE(source.has_value());
    CHECK_THROWS_AS(load_keys(*source), std::runtime_error);
}
