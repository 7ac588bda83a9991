#include "hookbot/token_cli/verify_token.hpp"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "../support/temporary_directory.hpp"
#include "hookbot/auth/token.hpp"
#include "run_tool.hpp"

using hookbot::auth::hash_kind;
using hookbot::auth::make_token;

namespace {

run_result verify(const std::vector<std::string>& args, std::optional<std::string> key = "foo") {
    const hookbot::token_cli::environment_lookup env =
        [&key](std::string_view name) -> std::optional<std::string> {
        return name == "HOOKBOT_KEY" ? key : std::nullopt;
    };
    return run_tool(hookbot::token_cli::run_verify_token, args, env);
}

}  // namespace

TEST_CASE("verify: a valid token says which hash and scope opened the path") {
    const run_result result =
        verify({"http://2e1150434ba1d8c33bce7c82ee08b5d9850342c7@127.0.0.1:18080/pub/foo/bar"});
    CHECK(result.status == 0);
    CHECK(result.out == "valid for /pub/foo/bar: HMAC-sha1 of \"/pub/foo/bar\"\n");

    const std::string directory = make_token("foo", "/foo/");
    const run_result scoped = verify({"wss://" + directory + ":pw@h/sub/foo/a%20b?x#y"});
    CHECK(scoped.status == 0);
    CHECK(scoped.out == "valid for /sub/foo/a b: HMAC-sha256 of \"/foo/\"\n");
}

TEST_CASE("verify: a token for another path, or another key, is not valid") {
    CHECK(verify({"http://" + make_token("foo", "/pub/x") + "@h/pub/y"}).status == 1);
    CHECK(verify({"http://" + make_token("bar", "/pub/x") + "@h/pub/x"}).out ==
          "not valid for /pub/x\n");
}

TEST_CASE("verify: --token checks a token given apart from the URL") {
    CHECK(verify({"--token", make_token("foo", "/pub/x", hash_kind::sha1), "/pub/x"}).status == 0);
}

TEST_CASE("verify: usage errors and a missing key exit 1") {
    CHECK(verify({}).status == 1);
    CHECK(verify({"http://h/pub/x"}).status == 1);  // no token
    const run_result no_key = verify({"http://t@h/pub/x"}, std::nullopt);
    CHECK(no_key.status == 1);
    CHECK(no_key.err.find("HOOKBOT_KEY not set") != std::string::npos);
}

TEST_CASE("verify with a key file: which key (its place, never its value) made the token") {
    const temporary_directory folder;
    const std::string file = folder.write("key", "# rotating\nnew-key\n\nold-key\n");
    const auto with_file = [&](const std::string& url) {
        return verify({"--key-file", file, url}, std::nullopt);
    };
    const run_result old_token = with_file("http://" + make_token("old-key", "/pub/") + "@h/pub/x");
    CHECK(old_token.status == 0);
    CHECK(old_token.out == "valid for /pub/x: HMAC-sha256 of \"/pub/\" with key 2 of 2\n");
    const run_result new_token =
        with_file("http://" + make_token("new-key", "/x", hash_kind::sha1) + "@h/sub/x");
    CHECK(new_token.out == "valid for /sub/x: HMAC-sha1 of \"/x\" with key 1 of 2\n");
    CHECK(with_file("http://" + make_token("other", "/pub/x") + "@h/pub/x").status == 1);
}
