#include "hookbot/limits/limit_option.hpp"

#include <doctest/doctest.h>

#include <boost/program_options.hpp>

#include "hookbot/limits/client_limits.hpp"
#include "hookbot/limits/flow_limits.hpp"
#include "hookbot/limits/retention_limits.hpp"

namespace po = boost::program_options;
using namespace hookbot::limits;

namespace {

// Parses `args` against `options` the way every program does: store, then
// notify (where ranges are checked).
void parse(const po::options_description& options, std::vector<std::string> args) {
    po::variables_map values;
    po::store(po::command_line_parser(args).options(options).run(), values);
    po::notify(values);
}

}  // namespace

TEST_CASE("a limit not given keeps its default") {
    po::options_description options;
    std::uint32_t header_bytes = 0;
    std::chrono::milliseconds timeout{};
    add_option(options, max_header_bytes, header_bytes);
    add_option(options, header_timeout, timeout);
    parse(options, {});
    CHECK(header_bytes == 32 * 1024);
    CHECK(timeout == std::chrono::seconds(30));
}

TEST_CASE("a limit given in range is taken; seconds may be decimals") {
    po::options_description options;
    std::size_t connections = 0;
    std::chrono::milliseconds slow{};
    add_option(options, max_connections, connections);
    add_option(options, slow_after, slow);
    parse(options, {"--max-connections", "12", "--slow-after", "0.25"});
    CHECK(connections == 12);
    CHECK(slow == std::chrono::milliseconds(250));
}

TEST_CASE("a limit out of range fails the parse naming the option and its range") {
    po::options_description options;
    std::uint32_t header_bytes = 0;
    std::chrono::milliseconds timeout{};
    add_option(options, max_header_bytes, header_bytes);
    add_option(options, body_timeout, timeout);
    CHECK_THROWS_WITH_AS(parse(options, {"--max-header-bytes", "70000"}),
                         "--max-header-bytes must be between 1024 and 65536, not 70000", po::error);
    CHECK_THROWS_WITH_AS(parse(options, {"--body-timeout", "0"}),
                         "--body-timeout must be between 0.001 and 86400, not 0", po::error);
    CHECK_THROWS_AS(parse(options, {"--body-timeout", "nan"}), po::error);
}

TEST_CASE("a value passed on parses back to itself") {
    std::vector<std::string> args;
    pass_on(args, publish_window, std::uint64_t{96});
    pass_on(args, max_publish_wait, std::chrono::milliseconds(1500));
    CHECK(args == std::vector<std::string>{"--publish-window", "96", "--max-publish-wait", "1.5"});

    po::options_description options;
    std::uint64_t window = 0;
    std::chrono::milliseconds wait{};
    add_option(options, publish_window, window);
    add_option(options, max_publish_wait, wait);
    parse(options, args);
    CHECK(window == 96);
    CHECK(wait == std::chrono::milliseconds(1500));
}

TEST_CASE("a choice takes its default, one of its two values, and refuses any other") {
    po::options_description options;
    std::string policy;
    add_option(options, overflow, policy);
    parse(options, {});
    CHECK(policy == "drop");
    parse(options, {"--overflow", "close"});
    CHECK(policy == "close");
    std::vector<std::string> args;
    pass_on(args, overflow, policy);
    CHECK(args == std::vector<std::string>{"--overflow", "close"});
    CHECK_THROWS_WITH_AS(parse(options, {"--overflow", "block"}),
                         "--overflow must be drop or close, not \"block\"", po::error);
}

TEST_CASE("a long time in seconds passes on whole, not rounded to six digits") {
    std::vector<std::string> args;
    pass_on(args, retention_age, std::chrono::milliseconds(1'234'567'000));
    CHECK(args == std::vector<std::string>{"--retention-age", "1234567"});
    po::options_description options;
    std::chrono::milliseconds age{};
    add_option(options, retention_age, age);
    parse(options, args);
    CHECK(age == std::chrono::seconds(1'234'567));
    CHECK_THROWS_WITH_AS(parse(options, {"--retention-age", "-1"}),
                         "--retention-age must be between 0 and 315360000, not -1", po::error);
}
