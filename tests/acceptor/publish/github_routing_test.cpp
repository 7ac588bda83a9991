#include "publish/github_routing.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "hookbot/auth/base64.hpp"
#include "hookbot/auth/token.hpp"
#include "options.hpp"

using namespace hookbot;
using namespace hookbot::acceptor;

namespace {

constexpr std::string_view payload =
    R"({"ref":"refs/heads/main","after":"abc","repository":{"full_name":"o/r"}})";

std::string signed_envelope(std::string_view event, std::string_view secret) {
    nlohmann::ordered_json e;
    e["Delivery"] = "";
    e["Event"] = event;
    e["Payload"] = auth::base64_encode(payload);
    e["Signature"] = "sha256=" + auth::make_token(secret, payload);
    return e.dump();
}

}  // namespace

TEST_CASE("github_routing: only monitored topics are looked at, and each is counted") {
    github_routing router("s");
    const std::string good = signed_envelope("push", "s");
    CHECK_FALSE(router.examine("github.com/x", good));
    CHECK_FALSE(router.examine("/unsafe/github.comx/x", good));
    CHECK(router.counters().messages == 0);

    const auto routed = router.examine("/unsafe/github.com/x", good);
    REQUIRE(routed);
    CHECK(routed->topic == "github.com/repo/o/r/branch/main");
    CHECK(routed->body ==
          R"({"Branch":"main","Repo":"o/r","SHA":"abc","Type":"push","Who":"<unknown>"})");
    router.appended(*routed, true);
    router.appended(*routed, false);

    CHECK_FALSE(router.examine("/unsafe/github.com/x", signed_envelope("push", "other")));
    CHECK_FALSE(router.examine("/unsafe/github.com/x", signed_envelope("ping", "s")));
    CHECK_FALSE(router.examine("/unsafe/github.com/x", "not json"));
    const auto& seen = router.counters();
    CHECK(seen.messages == 4);
    CHECK(seen.published == 1);
    CHECK(seen.publish_failed == 1);
    CHECK(seen.rejected_signature_wrong == 1);
    CHECK(seen.ignored_not_push == 1);
    CHECK(seen.ignored_malformed == 1);
}

TEST_CASE("github_routing: an empty secret is refused") {
    CHECK_THROWS_AS(github_routing(""), std::invalid_argument);
}

TEST_CASE("options: --router github (repeatable); other names are refused") {
    std::ostringstream out, err;
    const std::vector<std::string> base{"--instance", "i", "--control-fd", "4"};
    auto args = base;
    CHECK_FALSE(parse_options(args, "k", out, err).options->github_router);
    args.insert(args.end(), {"--router", "github", "--router", "github"});
    CHECK(parse_options(args, "k", out, err).options->github_router);
    args = base;
    args.insert(args.end(), {"--router", "gitlab"});
    const auto refused = parse_options(args, "k", out, err);
    CHECK_FALSE(refused.options);
    CHECK(refused.exit_status == exit_fatal_config);
    CHECK(err.str().find("unknown --router \"gitlab\"") != std::string::npos);
}
