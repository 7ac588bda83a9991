// --cluster and its options: parsed, checked with a message naming the
// option, and passed on to the acceptor as they were given.
#include "hookbot/cluster/cluster_options.hpp"

#include <doctest/doctest.h>

#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using namespace hookbot::cluster;
namespace po = boost::program_options;

namespace {

cluster_flags parsed(std::vector<std::string> args) {
    cluster_flags flags;
    const auto description = flags.describe();
    po::variables_map values;
    po::store(po::command_line_parser(args).options(description).run(), values);
    po::notify(values);
    return flags;
}

std::string error_of(std::vector<std::string> args) {
    try {
        static_cast<void>(parsed(std::move(args)).check());
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("without --cluster there is no cluster, whatever else is given") {
    CHECK_FALSE(parsed({}).check().enabled());
    CHECK_FALSE(parsed({"--cluster-stream", "x"}).check().enabled());
    std::vector<std::string> args;
    parsed({}).add_to(args);
    CHECK(args.empty());
}

TEST_CASE("--cluster takes nats:// and tls:// URLs, comma-separated") {
    const cluster_options options =
        parsed({"--cluster", "nats://a:4222,tls://b.example:4443", "--cluster-stream", "hooks",
                "--cluster-publish-timeout", "1500"})
            .check();
    CHECK(options.urls == std::vector<std::string>{"nats://a:4222", "tls://b.example:4443"});
    CHECK(options.stream == "hooks");
    CHECK(options.subject() == "hookbot.hooks");
    CHECK(options.publish_timeout == std::chrono::milliseconds(1500));
    CHECK(options.replicas == 0);
    CHECK(options.max_age == std::chrono::hours(24 * 7));

    for (const char* bad : {"a:4222", "http://a:4222", "nats://a", "nats://a:", "nats://:4222",
                            "nats://a:42x", "nats://a:4222,", ""}) {
        CAPTURE(bad);
        if (std::string(bad).empty()) continue;  // no --cluster at all
        CHECK(error_of({"--cluster", bad}).find("--cluster") == 0);
    }
}

TEST_CASE("the other options are checked, each naming itself") {
    const std::vector<std::string> base{"--cluster", "nats://a:4222"};
    const auto with = [&base](std::vector<std::string> more) {
        std::vector<std::string> args = base;
        args.insert(args.end(), more.begin(), more.end());
        return error_of(args);
    };
    CHECK(with({"--cluster-stream", "a.b"}).find("--cluster-stream") == 0);
    CHECK(with({"--cluster-stream", ""}).find("--cluster-stream") == 0);
    CHECK(with({"--cluster-replicas", "6"}).find("--cluster-replicas") == 0);
    CHECK(with({"--cluster-tls-cert", "c.pem"}).find("--cluster-tls-cert") == 0);
    CHECK(with({"--cluster-publish-timeout", "0"}).find("--cluster-publish-timeout") == 0);
    CHECK(with({"--cluster-replicas", "3", "--cluster-max-age", "0"}).empty());
}

TEST_CASE("serve passes the options on as the acceptor parses them back") {
    std::vector<std::string> args;
    parsed({"--cluster", "nats://a:1,nats://b:2", "--cluster-replicas", "1",
            "--cluster-credentials", "/etc/hookbot/nats.creds"})
        .add_to(args);
    const cluster_options again = parsed(args).check();
    CHECK(again.urls.size() == 2);
    CHECK(again.replicas == 1);
    CHECK(again.credentials == "/etc/hookbot/nats.creds");
    CHECK(again.stream == "hookbot");
}
