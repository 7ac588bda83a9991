// JetStream's answers to a publish as the link reads them (cluster/pub_ack.hpp).
#include "cluster/pub_ack.hpp"

#include <doctest/doctest.h>

using namespace hookbot::acceptor;

namespace {

publish_ack read(std::string_view data, std::string_view status = {}) {
    publish_ack ack{7, 99, "stale"};
    read_pub_ack(data, status, ack);
    CHECK(ack.id == 7);  // the caller's, from the reply subject
    return ack;
}

}  // namespace

TEST_CASE("a PubAck gives the stream sequence") {
    const publish_ack ack = read(R"({"stream":"hookbot","seq":12345})");
    CHECK(ack.seq == 12345);
    CHECK(ack.error.empty());
    CHECK(read(R"({"stream":"hookbot","domain":"d","seq":3,"duplicate":true})").seq == 3);
    CHECK(read(R"({"stream":"s","seq":18446744073709551615})").seq == 18446744073709551615ULL);
}

TEST_CASE("JetStream's error is the publish's error, never a sequence") {
    const publish_ack ack = read(
        R"({"error":{"code":503,"err_code":10077,"description":"maximum messages exceeded"},"stream":"s","seq":4})");
    CHECK(ack.seq == 0);
    CHECK(ack.error == "maximum messages exceeded");
    CHECK(read(R"({"error":{"code":500}})").error == "JetStream error 500");
    CHECK(read(R"({"error":"odd"})").error == "JetStream error");
}

TEST_CASE("what is not a PubAck is an error") {
    for (const std::string_view data :
         {R"(not json)", R"([1,2])", R"({"stream":"s"})", R"({"seq":0})", R"({"seq":-1})",
          R"({"seq":"12"})", R"({"seq":1.5})", R"({"stream":"s","seq":)"}) {
        CAPTURE(data);
        const publish_ack ack = read(data);
        CHECK(ack.seq == 0);
        CHECK_FALSE(ack.error.empty());
    }
}

TEST_CASE("a reply without data names its status") {
    CHECK(read("", "408").error == "an acknowledgement of status 408");
    CHECK(read("").error == "an empty acknowledgement");
    CHECK(read("", "408").seq == 0);
}
