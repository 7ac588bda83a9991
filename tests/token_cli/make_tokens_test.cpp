// docs/PROTOCOL.md C2 and D8, through run_make_tokens as a command line runs it.
#include "hookbot/token_cli/make_tokens.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "../support/temporary_directory.hpp"
#include "hookbot/auth/token.hpp"
#include "run_tool.hpp"

using hookbot::auth::make_token;

namespace {

using environment = std::map<std::string, std::string, std::less<>>;

run_result run(const std::vector<std::string>& args,
               const environment& env = {{"HOOKBOT_KEY", "foo"}}) {
    const hookbot::token_cli::environment_lookup lookup =
        [&env](std::string_view name) -> std::optional<std::string> {
        const auto found = env.find(name);
        if (found == env.end()) return std::nullopt;
        return found->second;
    };
    return run_tool(hookbot::token_cli::run_make_tokens, args, lookup);
}

}  // namespace

TEST_CASE("C2: the example of the protocol, byte for byte") {
    const run_result result = run({"--sha1", "-U", "http://127.0.0.1:18080", "/pub/foo/bar"});
    CHECK(result.status == 0);
    CHECK(result.out ==
          "http://2e1150434ba1d8c33bce7c82ee08b5d9850342c7@127.0.0.1:18080/pub/foo/bar\n");
    CHECK(result.err.empty());
}

TEST_CASE("D8 --bare: one token per argument, in order, SHA-256 by default") {
    const run_result result = run({"--bare", "/pub/foo/bar", "/sub/foo/", "/foo/bar"});
    CHECK(result.status == 0);
    CHECK(result.out ==
          "98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e\n"
          "0a14ad756fad3ee5561fd802716f32b4a03b9543fb3620dbc8d51305f70445a4\n"
          "17e766e21309e8aeac544c3a89bd459a7e717a1de665d163e569f511877f1720\n");
}

TEST_CASE("D8 --bare --sha1") {
    const run_result result = run({"--bare", "--sha1", "/sub/foo/bar"});
    CHECK(result.out == "732f7751fe0628ad6766135d0da50a2fee1d431d\n");
}

TEST_CASE("D8 --bare: query and fragment are not part of the token") {
    const run_result result = run({"--bare", "/pub/foo/bar?x=1#frag"});
    CHECK(result.out == "98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e\n");
}

TEST_CASE("D8: the default base is http://localhost:8080") {
    const run_result result = run({"/pub/foo/bar"});
    CHECK(result.out ==
          "http://98e583afa70b218777fe2137a5dbb0f44c7cf35aa2e8b8d0b418253c35e6ef6e"
          "@localhost:8080/pub/foo/bar\n");
}

TEST_CASE("D8: HOOKBOT_URL_BASE sets the base, --url-base overrides it") {
    const environment env{{"HOOKBOT_KEY", "foo"}, {"HOOKBOT_URL_BASE", "http://env-host:1"}};
    const std::string token = make_token("foo", "/pub/x");
    CHECK(run({"/pub/x"}, env).out == "http://" + token + "@env-host:1/pub/x\n");
    CHECK(run({"--url-base", "http://flag-host:2", "/pub/x"}, env).out ==
          "http://" + token + "@flag-host:2/pub/x\n");
    CHECK(run({"-U", "http://flag-host:2", "/pub/x"}, env).out ==
          "http://" + token + "@flag-host:2/pub/x\n");
}

TEST_CASE("D8: --key overrides HOOKBOT_KEY") {
    const run_result result = run({"--bare", "--key", "other", "/pub/x"});
    CHECK(result.out == make_token("other", "/pub/x") + "\n");
}

TEST_CASE("D8: /sub and /unsafe/sub paths get ws, others http (a plain prefix test)") {
    const run_result result =
        run({"/sub/x", "/unsafe/sub/x", "/subx", "/pub/x", "/unsafe/pub/x", "/x"});
    std::istringstream lines(result.out);
    std::vector<std::string> schemes;
    for (std::string line; std::getline(lines, line);)
        schemes.push_back(line.substr(0, line.find(':')));
    CHECK(schemes == std::vector<std::string>{"ws", "ws", "ws", "http", "http", "http"});
}

TEST_CASE("D8: an https or wss base makes the schemes secure") {
    for (const std::string base : {"https://h", "wss://h", "HTTPS://h"}) {
        CAPTURE(base);
        const run_result result = run({"-U", base, "/sub/x", "/pub/x"});
        CHECK(result.out == "wss://" + make_token("foo", "/sub/x") + "@h/sub/x\n" + "https://" +
                                make_token("foo", "/pub/x") + "@h/pub/x\n");
    }
}

TEST_CASE("D8: the argument's own scheme decides security over the base's") {
    const std::string token = make_token("foo", "/sub/x");
    CHECK(run({"-U", "http://h", "https://own/sub/x"}).out == "wss://" + token + "@own/sub/x\n");
    CHECK(run({"-U", "https://h", "http://own/sub/x"}).out == "ws://" + token + "@own/sub/x\n");
    CHECK(run({"-U", "https://h", "ws://own/sub/x"}).out == "ws://" + token + "@own/sub/x\n");
}

TEST_CASE("D8: an argument's own host is used, and never carries over to the next") {
    const run_result result = run({"-U", "http://base:1", "http://own:2/pub/x", "/pub/y"});
    CHECK(result.out == "http://" + make_token("foo", "/pub/x") + "@own:2/pub/x\n" + "http://" +
                            make_token("foo", "/pub/y") + "@base:1/pub/y\n");
}

TEST_CASE("D8: user-info in the argument or the base is replaced by the token") {
    const run_result result = run({"-U", "http://u:p@base:1", "/pub/x", "http://old@own/pub/x"});
    const std::string token = make_token("foo", "/pub/x");
    CHECK(result.out == "http://" + token + "@base:1/pub/x\n" + "http://" + token + "@own/pub/x\n");
}

TEST_CASE("D8: the path is re-encoded, the token is made over the decoded path") {
    const run_result result = run({"/pub/a%20b"});
    CHECK(result.out == "http://" + make_token("foo", "/pub/a b") + "@localhost:8080/pub/a%20b\n");
    CHECK(run({"--bare", "/pub/a%20b"}).out == make_token("foo", "/pub/a b") + "\n");
    CHECK(run({"/pub/a%2fb"}).out ==
          "http://" + make_token("foo", "/pub/a/b") + "@localhost:8080/pub/a/b\n");
}

TEST_CASE("D8: query and fragment are copied from the argument") {
    const run_result result = run({"/sub/x?a=1&b=%20#frag"});
    CHECK(result.out ==
          "ws://" + make_token("foo", "/sub/x") + "@localhost:8080/sub/x?a=1&b=%20#frag\n");
}

TEST_CASE("D8: a path or query in the base is ignored") {
    CHECK(run({"-U", "http://h:1/prefix?q=1", "/pub/x"}).out ==
          "http://" + make_token("foo", "/pub/x") + "@h:1/pub/x\n");
}

TEST_CASE("D8: HOOKBOT_KEY unset or empty: a message, nothing on stdout, exit 1") {
    for (const environment& env : {environment{}, environment{{"HOOKBOT_KEY", ""}}}) {
        const run_result result = run({"/pub/x"}, env);
        CHECK(result.status == 1);
        CHECK(result.out.empty());
        CHECK(result.err.find("HOOKBOT_KEY not set") != std::string::npos);
    }
    CHECK(run({"--bare", "/pub/x"}, {}).status == 1);
}

TEST_CASE("C2: without arguments, usage on stderr and exit 1") {
    const run_result result = run({});
    CHECK(result.status == 1);
    CHECK(result.out.empty());
    CHECK(result.err.find("usage: hookbot-tokens") != std::string::npos);
    CHECK(run({"--bare"}).status == 1);
}

TEST_CASE("D8: an unparseable base is an error, nothing on stdout") {
    for (const std::string base : {"nonsense", "localhost:8080", "http://", "http:/x", "::"}) {
        CAPTURE(base);
        const run_result result = run({"-U", base, "/pub/x"});
        CHECK(result.status != 0);
        CHECK(result.out.empty());
        CHECK(result.err.find(base) != std::string::npos);
    }
}

TEST_CASE("an unusable argument fails the whole run before anything is printed") {
    for (const std::string bad : {"pub/x", "/pub/%zz", ""}) {
        CAPTURE(bad);
        const run_result result = run({"/pub/ok", bad});
        CHECK(result.status == 1);
        CHECK(result.out.empty());
        CHECK_FALSE(result.err.empty());
    }
}

TEST_CASE("--help prints usage on stdout; an unknown option is a usage error") {
    const run_result help = run({"--help"});
    CHECK(help.status == 0);
    CHECK(help.out.find("--url-base") != std::string::npos);
    const run_result unknown = run({"--frobnicate", "/pub/x"});
    CHECK(unknown.status == 1);
    CHECK(unknown.out.empty());
    CHECK(unknown.err.find("frobnicate") != std::string::npos);
}

TEST_CASE("--key-file and HOOKBOT_KEY_FILE: the first key of the file signs") {
    const temporary_directory folder;
    const std::string file = folder.write("key", "# rotated\nnew-key\r\nold-key\n");
    const std::string expected = make_token("new-key", "/pub/x") + "\n";
    CHECK(run({"--bare", "--key-file", file, "/pub/x"}).out == expected);
    CHECK(run({"--bare", "/pub/x"}, {{"HOOKBOT_KEY_FILE", file}}).out == expected);
    // A flag wins over both variables.
    CHECK(run({"--bare", "--key-file", file, "/pub/x"},
              {{"HOOKBOT_KEY", "foo"}, {"HOOKBOT_KEY_FILE", "/nonexistent"}})
              .out == expected);
}

TEST_CASE("a key file that holds no key, or is missing, fails printing nothing") {
    const temporary_directory folder;
    const run_result empty = run({"--key-file", folder.write("key", "# soon\n"), "/pub/x"});
    CHECK(empty.status == 1);
    CHECK(empty.out.empty());
    CHECK(empty.err.find("holds no key") != std::string::npos);
    const run_result missing = run({"--key-file", folder.path("missing"), "/pub/x"});
    CHECK(missing.status == 1);
    CHECK(missing.err.find("No such file or directory") != std::string::npos);
    const run_result both = run({"--key", "k", "--key-file", folder.path("missing"), "/pub/x"});
    CHECK(both.status == 1);
    CHECK(both.err.find("both --key and --key-file") != std::string::npos);
}
