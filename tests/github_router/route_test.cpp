#include "hookbot/github_router/route.hpp"

#include <doctest/doctest.h>

#include <string>

#include "envelope.hpp"

using namespace hookbot::github_router;
using namespace hookbot::github_router::testing;

namespace {

constexpr std::string_view push_payload =
    R"({"ref":"refs/heads/main","before":"000","after":"abc123",)"
    R"("repository":{"full_name":"octo/hello","name":"hello"},)"
    R"("pusher":{"name":"mona","email":"m@example.com"}})";

routed expect_routed(const decision& outcome) {
    const auto* result = std::get_if<routed>(&outcome);
    REQUIRE_MESSAGE(result != nullptr, "the message was not routed");
    return *result;
}

ignore_reason expect_ignored(const decision& outcome) {
    const auto* result = std::get_if<ignored>(&outcome);
    REQUIRE_MESSAGE(result != nullptr, "the message was not ignored");
    return result->reason;
}

reject_reason expect_rejected(const decision& outcome) {
    const auto* result = std::get_if<rejected>(&outcome);
    REQUIRE_MESSAGE(result != nullptr, "the message was not rejected");
    return result->reason;
}

}  // namespace

TEST_CASE("D7: the monitored topics are those below /unsafe/github.com/") {
    CHECK(is_monitored_topic("/unsafe/github.com/"));
    CHECK(is_monitored_topic("/unsafe/github.com/org/repo"));
    CHECK_FALSE(is_monitored_topic("/unsafe/github.com"));
    CHECK_FALSE(is_monitored_topic("/unsafe/github.comx/org"));
    CHECK_FALSE(is_monitored_topic("github.com/org"));         // a safe topic (/pub/github.com/org)
    CHECK_FALSE(is_monitored_topic("unsafe/github.com/org"));  // root endpoint /unsafe/...
}

TEST_CASE("R2: a signed push is published to its branch topic, body byte for byte") {
    const routed result = expect_routed(route(envelope(push_payload), secret));
    CHECK(result.topic == "github.com/repo/octo/hello/branch/main");
    CHECK(result.body ==
          R"({"Branch":"main","Repo":"octo/hello","SHA":"abc123","Type":"push","Who":"mona"})");
}

TEST_CASE("R1: the legacy sha1= signature is accepted too") {
    const auto result =
        expect_routed(route(envelope_signed(push_payload, sha1_signature(push_payload)), secret));
    CHECK(result.topic == "github.com/repo/octo/hello/branch/main");
}

TEST_CASE("D7.4: only one leading refs/heads/ is removed; other refs stay whole") {
    const auto with_ref = [](std::string_view ref) {
        return R"({"ref":")" + std::string(ref) +
               R"(","after":"f00","repository":{"full_name":"o/r"},"pusher":{"name":"p"}})";
    };
    CHECK(expect_routed(route(envelope(with_ref("refs/tags/v1")), secret)).topic ==
          "github.com/repo/o/r/branch/refs/tags/v1");
    CHECK(expect_routed(route(envelope(with_ref("refs/heads/feature/x")), secret)).topic ==
          "github.com/repo/o/r/branch/feature/x");
    CHECK(expect_routed(route(envelope(with_ref("refs/heads/refs/heads/y")), secret)).topic ==
          "github.com/repo/o/r/branch/refs/heads/y");
    const routed tag = expect_routed(route(envelope(with_ref("refs/tags/v1")), secret));
    CHECK(tag.body ==
          R"({"Branch":"refs/tags/v1","Repo":"o/r","SHA":"f00","Type":"push","Who":"p"})");
}

TEST_CASE("D7.4: no pusher is <unknown>, written as such") {
    const std::string no_pusher =
        R"({"ref":"refs/heads/m","after":"1","repository":{"full_name":"o/r"}})";
    CHECK(expect_routed(route(envelope(no_pusher), secret)).body ==
          R"({"Branch":"m","Repo":"o/r","SHA":"1","Type":"push","Who":"<unknown>"})");
    const std::string null_pusher =
        R"({"ref":"refs/heads/m","after":"1","repository":{"full_name":"o/r"},"pusher":null})";
    CHECK(expect_routed(route(envelope(null_pusher), secret)).body ==
          R"({"Branch":"m","Repo":"o/r","SHA":"1","Type":"push","Who":"<unknown>"})");
}

TEST_CASE(
    "D7.4: a pusher without a name, no after and no ref give empty strings (as Go's decoder)") {
    const std::string sparse = R"({"repository":{"full_name":"o/r"},"pusher":{}})";
    const routed result = expect_routed(route(envelope(sparse), secret));
    CHECK(result.topic == "github.com/repo/o/r/branch/");
    CHECK(result.body == R"({"Branch":"","Repo":"o/r","SHA":"","Type":"push","Who":""})");
}

TEST_CASE("R2: JSON special characters are escaped, other characters kept as UTF-8") {
    const std::string payload =
        R"({"ref":"refs/heads/a\"b\\c","after":"x","repository":{"full_name":"o/r\u00e9"},)"
        R"("pusher":{"name":"<m&n>\n"}})";
    const routed result = expect_routed(route(envelope(payload), secret));
    CHECK(result.topic == "github.com/repo/o/r\xc3\xa9/branch/a\"b\\c");
    CHECK(result.body ==
          "{\"Branch\":\"a\\\"b\\\\c\",\"Repo\":\"o/r\xc3\xa9\",\"SHA\":\"x\",\"Type\":\"push\","
          "\"Who\":\"<m&n>\\n\"}");
}

TEST_CASE("R1: a wrong signature is rejected, whatever the event") {
    CHECK(expect_rejected(route(envelope_signed(push_payload, sha256_signature(push_payload, "x")),
                                secret)) == reject_reason::signature_wrong);
    CHECK(expect_rejected(route(envelope_signed(push_payload, "sha256=00"), secret)) ==
          reject_reason::signature_wrong);
    CHECK(expect_rejected(route(envelope_signed(push_payload, "md5=abc", "issues"), secret)) ==
          reject_reason::signature_wrong);
    // The signature of another payload (a replayed one).
    CHECK(expect_rejected(route(envelope_signed(push_payload, sha256_signature("{}")), secret)) ==
          reject_reason::signature_wrong);
    // A right signature checked with another secret.
    CHECK(expect_rejected(route(envelope(push_payload), "other")) ==
          reject_reason::signature_wrong);
}

TEST_CASE("R1: a missing or empty signature is rejected") {
    const std::string payload_base64 = hookbot::auth::base64_encode(push_payload);
    CHECK(expect_rejected(route(R"({"Event":"push","Payload":")" + payload_base64 + R"("})",
                                secret)) == reject_reason::signature_missing);
    CHECK(expect_rejected(route(envelope_signed(push_payload, ""), secret)) ==
          reject_reason::signature_missing);
    CHECK(expect_rejected(
              route(R"({"Event":"push","Payload":")" + payload_base64 + R"(","Signature":null})",
                    secret)) == reject_reason::signature_missing);
    CHECK(expect_rejected(route(envelope_signed("not json", ""), secret)) ==
          reject_reason::signature_missing);
}

TEST_CASE("D7.3: an event other than push is ignored") {
    for (const char* event : {"ping", "issues", "Push", "PUSH", "push ", ""}) {
        CAPTURE(event);
        CHECK(expect_ignored(route(envelope(push_payload, event), secret)) ==
              ignore_reason::not_push);
    }
}

TEST_CASE("D7.3: a missing or empty repository is ignored") {
    for (const char* payload :
         {R"({"ref":"refs/heads/m","after":"1"})", R"({"repository":null})", R"({"repository":{}})",
          R"({"repository":{"full_name":""}})", R"({"repository":{"full_name":null}})",
          R"({"repository":{"full_name":7}})", R"({"repository":"o/r"})"}) {
        CAPTURE(payload);
        CHECK(expect_ignored(route(envelope(payload), secret)) == ignore_reason::no_repository);
    }
}

TEST_CASE("D7.3: either layer not valid JSON is ignored") {
    for (const char* outer : {"", "not json", "{", "[1,2]", "\"push\"", "null",
                              R"({"Event":"push","Payload":"e30=","Signature":"sha256=0")"}) {
        CAPTURE(outer);
        CHECK(expect_ignored(route(outer, secret)) == ignore_reason::envelope_not_json);
    }
    for (const char* payload : {"", "not json", "{\"repository\":", "[]", "42"}) {
        CAPTURE(payload);
        CHECK(expect_ignored(route(envelope(payload), secret)) == ignore_reason::payload_not_json);
    }
}

TEST_CASE("D7.1: the envelope needs a string Event and a base64 string Payload") {
    const std::string signature = sha256_signature(push_payload);
    CHECK(expect_ignored(route(R"({"Payload":"e30=","Signature":"x"})", secret)) ==
          ignore_reason::envelope_fields_missing);
    CHECK(expect_ignored(route(R"({"Event":"push","Signature":"x"})", secret)) ==
          ignore_reason::envelope_fields_missing);
    CHECK(expect_ignored(route(R"({"Event":1,"Payload":"e30=","Signature":"x"})", secret)) ==
          ignore_reason::envelope_fields_missing);
    CHECK(expect_ignored(route(R"({"Event":"push","Payload":{},"Signature":"x"})", secret)) ==
          ignore_reason::envelope_fields_missing);
    CHECK(expect_ignored(route(R"({"Event":"push","Payload":"e30","Signature":"x"})", secret)) ==
          ignore_reason::payload_not_base64);
    CHECK(expect_ignored(route(R"({"Event":"push","Payload":"!!!!","Signature":"x"})", secret)) ==
          ignore_reason::payload_not_base64);
}

TEST_CASE("D7.1: a body written directly (not by ?extra-metadata=) is routed the same way") {
    const std::string direct = R"({"Signature":")" + sha256_signature(push_payload) +
                               R"(","Payload":")" + hookbot::auth::base64_encode(push_payload) +
                               R"(","Event":"push"})";
    CHECK(expect_routed(route(direct, secret)).topic == "github.com/repo/octo/hello/branch/main");
}

TEST_CASE("D7: fields of the wrong type in the payload are ignored, not guessed") {
    for (const char* payload : {R"({"repository":{"full_name":"o/r"},"ref":7})",
                                R"({"repository":{"full_name":"o/r"},"after":[]})",
                                R"({"repository":{"full_name":"o/r"},"pusher":"mona"})",
                                R"({"repository":{"full_name":"o/r"},"pusher":{"name":1}})"}) {
        CAPTURE(payload);
        CHECK(expect_ignored(route(envelope(payload), secret)) ==
              ignore_reason::payload_fields_invalid);
    }
}

TEST_CASE("every reason has words for the log") {
    CHECK(describe(reject_reason::signature_missing) == "signature missing");
    CHECK(describe(reject_reason::signature_wrong) == "signature wrong");
    CHECK(describe(ignore_reason::not_push) == "not a push event");
    CHECK_FALSE(describe(ignore_reason::payload_fields_invalid).empty());
}
