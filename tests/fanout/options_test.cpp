#include "options.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "worker_command_line.hpp"

namespace {

using namespace hookbot::fanout;

using test::worker_command_line;

}  // namespace

TEST_CASE("defaults") {
    const command_line cl = worker_command_line({});
    REQUIRE(cl.result == command_line::outcome::run);
    CHECK(cl.options.instance == "i");
    CHECK(cl.options.control == "/tmp/c.sock");
    CHECK_FALSE(cl.options.slot.has_value());
    const auto& limits = cl.options.limits;
    CHECK(limits.queue.max_messages == 1024);
    CHECK(limits.queue.max_bytes == 16u << 20);
    CHECK(limits.queue.overflow == overflow_policy::drop);
    CHECK(limits.write_timeout == std::chrono::seconds(90));
    CHECK(limits.ping_interval == std::chrono::seconds(30));
    CHECK(limits.ping_timeout == std::chrono::seconds(40));
}

TEST_CASE("every option is read") {
    const command_line cl = worker_command_line(
        {"--slot", "3", "--queue-messages", "8", "--queue-bytes", "4096", "--overflow", "close",
         "--write-timeout", "5", "--ping-interval", "2", "--ping-timeout", "3"});
    REQUIRE(cl.result == command_line::outcome::run);
    CHECK(cl.options.slot == 3u);
    const auto& limits = cl.options.limits;
    CHECK(limits.queue.max_messages == 8);
    CHECK(limits.queue.max_bytes == 4096);
    CHECK(limits.queue.overflow == overflow_policy::close);
    CHECK(limits.write_timeout == std::chrono::seconds(5));
    CHECK(limits.ping_interval == std::chrono::seconds(2));
    CHECK(limits.ping_timeout == std::chrono::seconds(3));
}

TEST_CASE("bad command lines are errors, not exceptions") {
    CHECK(parse_command_line({"--control", "c"}).result == command_line::outcome::error);
    CHECK(parse_command_line({"--instance", "i"}).result == command_line::outcome::error);
    CHECK(worker_command_line({"--overflow", "block"}).result == command_line::outcome::error);
    CHECK(worker_command_line({"--queue-messages", "0"}).result == command_line::outcome::error);
    CHECK(worker_command_line({"--ping-interval", "40", "--ping-timeout", "40"}).result ==
          command_line::outcome::error);
    CHECK(worker_command_line({"--slot", "x"}).result == command_line::outcome::error);
    CHECK(worker_command_line({"--no-such-option"}).result == command_line::outcome::error);
}

TEST_CASE("help needs nothing else") {
    const command_line cl = parse_command_line({"--help"});
    CHECK(cl.result == command_line::outcome::help);
    CHECK(cl.text.find("--overflow") != std::string::npos);
}

TEST_CASE("limits against hostile clients: defaults, values and bounds") {
    const command_line defaults = worker_command_line({});
    REQUIRE(defaults.result == command_line::outcome::run);
    CHECK(defaults.options.max_subscribers == 100000);
    CHECK(defaults.options.limits.max_client_message == 64 * 1024);
    CHECK(defaults.options.http.max_header_bytes == 32 * 1024);
    CHECK(defaults.options.http.header_timeout == std::chrono::seconds(30));
    CHECK(defaults.options.http.body_timeout == std::chrono::seconds(60));

    const command_line set = worker_command_line(
        {"--max-subscribers", "2", "--max-client-message", "100", "--max-header-bytes", "4096",
         "--header-timeout", "0.5", "--body-timeout", "2"});
    REQUIRE(set.result == command_line::outcome::run);
    CHECK(set.options.max_subscribers == 2);
    CHECK(set.options.limits.max_client_message == 100);
    CHECK(set.options.http.max_header_bytes == 4096);
    CHECK(set.options.http.header_timeout == std::chrono::milliseconds(500));
    CHECK(set.options.http.body_timeout == std::chrono::seconds(2));

    for (const auto& bad : std::vector<std::vector<std::string>>{{"--max-subscribers", "0"},
                                                                 {"--max-client-message", "0"},
                                                                 {"--max-header-bytes", "100"},
                                                                 {"--max-header-bytes", "100000"},
                                                                 {"--header-timeout", "0"},
                                                                 {"--body-timeout", "-1"}}) {
        CHECK(worker_command_line(bad).result == command_line::outcome::error);
    }
}

TEST_CASE("--attach takes the control socket and leaves instance and slot to be learnt") {
    const command_line cl =
        parse_command_line({"--attach", "/run/hookbot/control.sock", "--queue-messages", "8"});
    REQUIRE(cl.result == command_line::outcome::run);
    CHECK(cl.options.attach);
    CHECK(cl.options.control == "/run/hookbot/control.sock");
    CHECK(cl.options.instance.empty());
    CHECK_FALSE(cl.options.slot);
    CHECK(cl.options.limits.queue.max_messages == 8);
    CHECK_FALSE(worker_command_line({}).options.attach);

    const auto error = command_line::outcome::error;
    CHECK(parse_command_line({"--attach", "c", "--instance", "i"}).result == error);
    CHECK(parse_command_line({"--attach", "c", "--control", "c"}).result == error);
    CHECK(parse_command_line({"--attach", "c", "--slot", "1"}).result == error);
    CHECK(parse_command_line(
              {"--attach", "c", "--listen-fd", "3", "--tls-cert", "a", "--tls-key", "b"})
              .result == error);
}
