#include "options.hpp"

#include <doctest/doctest.h>

#include <sstream>

using namespace hookbot::acceptor;

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
    CHECK(o.limits.max_header_bytes == 16 * 1024);
    CHECK_FALSE(o.max_body_given);
    CHECK(o.limits.read_timeout == std::chrono::seconds(30));
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
                                    "--read-timeout", "0.5", "--idle-timeout", "7"}),
                              "k");
    REQUIRE(parsed.options.has_value());
    CHECK(parsed.options->only_hash == hookbot::auth::hash_kind::sha1);
    CHECK(parsed.options->max_body_given);
    CHECK(parsed.options->limits.max_body_bytes == 1024);
    CHECK(parsed.options->limits.read_timeout == std::chrono::milliseconds(500));
    CHECK(parsed.options->limits.idle_timeout == std::chrono::seconds(7));
}

TEST_CASE("no key says so, as PROTOCOL.md C1 words it") {
    std::ostringstream out;
    std::ostringstream err;
    CHECK(parse_options(required, nullptr, out, err).exit_status == exit_fatal_config);
    CHECK(err.str() == "HOOKBOT_KEY not set\n");
}

TEST_CASE("bad command lines are fatal") {
    CHECK(parse({"--instance", "i"}, "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--token-hash", "md5"}), "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--read-timeout", "0"}), "k").exit_status == exit_fatal_config);
    CHECK(parse(with({"--bogus"}), "k").exit_status == exit_fatal_config);
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
