#include "options.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace hookbot::acceptor;
using hookbot::exit_fatal_config;

namespace {

const std::vector<std::string> required{"--instance", "i", "--listen-fd", "3", "--control-fd", "4"};

parsed_options parse(const std::vector<std::string>& args, const char* key) {
    std::ostringstream out;
    std::ostringstream err;
    return parse_options(args, key, out, err);
}

std::vector<std::string> with(std::vector<std::string> extra) {
    auto args = required;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

}  // namespace

TEST_CASE("the supervisor's command line, key from the environment, documented defaults") {
    const auto parsed = parse(required, "secret");
    REQUIRE(parsed.options.has_value());
    const auto& o = *parsed.options;
    CHECK(o.instance == "i");
    CHECK(o.listen_fd == 3);
    CHECK(o.control_fd == 4);
    CHECK(o.key == "secret");
    CHECK_FALSE(o.only_hash.has_value());
    CHECK(o.limits.max_header_bytes == 32 * 1024);
    CHECK_FALSE(o.max_body_given);
    CHECK(o.limits.header_timeout == std::chrono::seconds(30));
    CHECK(o.shutdown_timeout == std::chrono::seconds(2));
}

TEST_CASE("--key wins over the environment; no key at all is fatal") {
    CHECK(parse(with({"--key", "k"}), "env").options->key == "k");
    const auto missing = parse(required, nullptr);
    CHECK_FALSE(missing.options.has_value());
    CHECK(missing.exit_status == exit_fatal_config);
}

TEST_CASE("limits and hashes") {
    const auto parsed = parse(with({"--token-hash", "sha1", "--max-body-bytes", "1024",
                                    "--header-timeout", "0.5", "--idle-timeout", "7"}),
                              "k");
    REQUIRE(parsed.options.has_value());
    CHECK(parsed.options->only_hash == hookbot::auth::hash_kind::sha1);
    CHECK(parsed.options->max_body_given);
    CHECK(parsed.options->limits.max_body_bytes == 1024);
    CHECK(parsed.options->limits.header_timeout == std::chrono::milliseconds(500));
    CHECK(parsed.options->limits.idle_timeout == std::chrono::seconds(7));
}

TEST_CASE("no key says so, as docs/PROTOCOL.md C1 words it") {
    std::ostringstream out;
    std::ostringstream err;
    CHECK(parse_options(required, nullptr, out, err).exit_status == exit_fatal_config);
    CHECK(err.str() == "HOOKBOT_KEY not set\n");
}

TEST_CASE("bad command lines are fatal") {
    CHECK(parse({"--instance", "i"}, "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--token-hash", "md5"}), "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--header-timeout", "0"}), "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--bogus"}), "k").exit_status == exit_fatal_config);
}

TEST_CASE("--key-file: the key file wins over HOOKBOT_KEY; with --key it is an error") {
    const auto parsed = parse(with({"--key-file", "/etc/hookbot/key"}), "env");
    REQUIRE(parsed.options.has_value());
    CHECK(parsed.options->key_file == "/etc/hookbot/key");
    CHECK(parsed.options->key.empty());  // the environment's key is not used
    CHECK(parse(with({"--key-file", "/etc/hookbot/key"}), nullptr).options.has_value());
    const auto both = parse(with({"--key-file", "/f", "--key", "k"}), nullptr);
    CHECK_FALSE(both.options.has_value());
    CHECK(both.exit_status == exit_fatal_config);
}

TEST_CASE("limits against hostile clients: defaults, values and bounds") {
    const auto defaults = parse(required, "k");
    REQUIRE(defaults.options.has_value());
    const auto& d = defaults.options->limits;
    CHECK(d.max_header_fields == 100);
    CHECK(d.max_url_bytes == 16 * 1024);
    CHECK(d.body_timeout == std::chrono::seconds(60));
    CHECK(d.idle_timeout == std::chrono::seconds(120));
    CHECK(d.max_connections == 10000);

    const auto set =
        parse(with({"--max-header-fields", "5", "--max-url-bytes", "300", "--body-timeout", "1.5",
                    "--max-connections", "7", "--max-header-bytes", "2048"}),
              "k");
    REQUIRE(set.options.has_value());
    const auto& s = set.options->limits;
    CHECK(s.max_header_fields == 5);
    CHECK(s.max_url_bytes == 300);
    CHECK(s.body_timeout == std::chrono::milliseconds(1500));
    CHECK(s.max_connections == 7);
    CHECK(s.max_header_bytes == 2048);

    for (const auto& bad : std::vector<std::vector<std::string>>{{"--max-header-bytes", "100"},
                                                                 {"--max-header-bytes", "70000"},
                                                                 {"--max-header-fields", "0"},
                                                                 {"--max-url-bytes", "0"},
                                                                 {"--max-connections", "0"},
                                                                 {"--body-timeout", "0"}}) {
        CHECK(parse(with(bad), "k").exit_status == exit_fatal_config);
    }
}

TEST_CASE("--ui: on by default, off on request, nothing else") {
    CHECK(parse(required, "k").options->ui_enabled);
    CHECK_FALSE(parse(with({"--ui", "off"}), "k").options->ui_enabled);
    CHECK(parse(with({"--ui", "on"}), "k").options->ui_enabled);
    CHECK(parse(with({"--ui", "no"}), "k").exit_status == exit_fatal_config);
}

TEST_CASE("--metrics-allow: loopback by default, any or token on request, nothing else") {
    CHECK(parse(required, "k").options->metrics_allow == metrics_access::loopback);
    CHECK(parse(required, "k").options->counters_log_period == std::chrono::seconds(60));
    CHECK(parse(with({"--metrics-allow", "token"}), "k").options->metrics_allow ==
          metrics_access::token);
    CHECK(parse(with({"--metrics-allow", "any"}), "k").options->metrics_allow ==
          metrics_access::any);
    CHECK(parse(with({"--metrics-allow", "everyone"}), "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--counters-log-period", "0"}), "k").exit_status == exit_fatal_config);
}
