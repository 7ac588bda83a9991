#include "hookbot/client/envelope.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

using namespace hookbot::client;

namespace {

watch_message message_of(const envelope& parsed) {
    REQUIRE(std::holds_alternative<watch_message>(parsed));
    return std::get<watch_message>(parsed);
}

std::string reason_of(const envelope& parsed) {
    REQUIRE(std::holds_alternative<malformed_envelope>(parsed));
    return std::get<malformed_envelope>(parsed).reason;
}

}  // namespace

TEST_CASE("envelope: a UTF-8 body comes back as it was published, with its id and topic") {
    const auto parsed = parse_envelope(
        R"({"id":"00f3a1b2c3d4e5f6-42","topic":"deploy/web","body":"h\u00e9llo\n\u0000x"})");
    const auto& message = message_of(parsed);
    CHECK(message.id == "00f3a1b2c3d4e5f6-42");
    CHECK(message.topic == "deploy/web");
    CHECK(message.body == std::string("h\xc3\xa9llo\n\0x", 9));
}

TEST_CASE("envelope: body_b64 is decoded to the published bytes") {
    const auto& message =
        message_of(parse_envelope(R"({"id":"e-7","topic":"t","body_b64":"/wAB"})"));
    CHECK(message.body == std::string("\xff\x00\x01", 3));
}

TEST_CASE("envelope: members the client does not know are ignored") {
    const auto& message =
        message_of(parse_envelope(R"({"later":[1,2],"id":"e-1","topic":"","body":"","extra":{}})"));
    CHECK(message.id == "e-1");
    CHECK(message.topic.empty());
    CHECK(message.body.empty());
}

TEST_CASE("envelope: a gap notice gives the id asked for and the reason") {
    const auto parsed = parse_envelope(R"({"gap":{"since":"00aa-5","reason":"too old"}})");
    REQUIRE(std::holds_alternative<gap_notice>(parsed));
    CHECK(std::get<gap_notice>(parsed).since == "00aa-5");
    CHECK(std::get<gap_notice>(parsed).reason == "too old");
}

TEST_CASE("envelope: what is not an envelope is malformed, and says why") {
    CHECK(reason_of(parse_envelope("")) == "not JSON");
    CHECK(reason_of(parse_envelope("{\"id\":")) == "not JSON");
    CHECK(reason_of(parse_envelope("[1]")) == "not a JSON object");
    CHECK(reason_of(parse_envelope(R"({"topic":"t","body":"x"})")) == "no string \"id\"");
    CHECK(reason_of(parse_envelope(R"({"id":"","topic":"t","body":"x"})")) == "no string \"id\"");
    CHECK(reason_of(parse_envelope(R"({"id":7,"topic":"t","body":"x"})")) == "no string \"id\"");
    CHECK(reason_of(parse_envelope(R"({"id":"a","body":"x"})")) == "no string \"topic\"");
    CHECK(reason_of(parse_envelope(R"({"id":"a","topic":"t"})")).find("exactly one") !=
          std::string::npos);
    CHECK(reason_of(parse_envelope(R"({"id":"a","topic":"t","body":"x","body_b64":"eA=="})"))
              .find("exactly one") != std::string::npos);
    CHECK(reason_of(parse_envelope(R"({"id":"a","topic":"t","body_b64":"e A"})")).find("base64") !=
          std::string::npos);
    CHECK(reason_of(parse_envelope(R"({"gap":"x"})")) == "\"gap\" is not an object");
    CHECK(reason_of(parse_envelope(R"({"gap":{"reason":"r"}})")).find("since") !=
          std::string::npos);
}

TEST_CASE("envelope: binary frames of a server without ids") {
    const auto& exact = message_of(parse_binary_frame(std::string("a\0b", 3), "t", false));
    CHECK_FALSE(exact.id);
    CHECK(exact.topic == "t");
    CHECK(exact.body == std::string("a\0b", 3));

    const auto& recursive = message_of(parse_binary_frame(std::string("t/x\0a\0b", 7), "t/", true));
    CHECK(recursive.topic == "t/x");
    CHECK(recursive.body == std::string("a\0b", 3));

    CHECK(reason_of(parse_binary_frame("no nul", "t/", true)).find("topic NUL") !=
          std::string::npos);
}

TEST_CASE("envelope: envelope_json is what parse_envelope reads back") {
    for (const std::string& body : {std::string("plain"), std::string("\xff\xfe", 2),
                                    std::string("nul\0inside", 10), std::string()}) {
        const watch_message original{"e-9", "a/b", body};
        const std::string line = envelope_json(original);
        CHECK(line.find('\n') == std::string::npos);
        const auto& back = message_of(parse_envelope(line));
        CHECK(back.id == original.id);
        CHECK(back.topic == original.topic);
        CHECK(back.body == original.body);
    }
    const auto invalid = nlohmann::json::parse(envelope_json(watch_message{"e", "t", "\xc0\x80"}));
    CHECK(invalid.contains("body_b64"));
    CHECK_FALSE(invalid.contains("body"));
    CHECK(nlohmann::json::parse(envelope_json(watch_message{std::nullopt, "t", "x"}))["id"]
              .is_null());
    CHECK(envelope_json(watch_message{"e-1", "t", "b"}) ==
          R"({"id":"e-1","topic":"t","body":"b"})");
    CHECK(envelope_json(gap_notice{"s-1", "unknown"}) ==
          R"({"gap":{"since":"s-1","reason":"unknown"}})");
    const auto gap = parse_envelope(envelope_json(gap_notice{"s-1", "unknown epoch"}));
    REQUIRE(std::holds_alternative<gap_notice>(gap));
    CHECK(std::get<gap_notice>(gap).reason == "unknown epoch");
}

TEST_CASE("envelope: a kept request (X3) comes with its headers in the server's order") {
    const auto& message = message_of(parse_envelope(
        R"({"id":"e-9","topic":"t","request":{"method":"POST","query":"a=1",)"
        R"("headers":{"X-Hub-Signature-256":"sha256=ab","Content-Type":"application/json"}},)"
        R"("body":"{}"})"));
    REQUIRE(message.request);
    CHECK(message.request->method == "POST");
    CHECK(message.request->query == "a=1");
    REQUIRE(message.request->headers.size() == 2);
    CHECK(message.request->headers[0] ==
          std::pair<std::string, std::string>("X-Hub-Signature-256", "sha256=ab"));
    CHECK(message.request->headers[1].first == "Content-Type");
    CHECK(message.body == "{}");
    CHECK_FALSE(message_of(parse_envelope(R"({"id":"e","topic":"t","body":""})")).request);
}

TEST_CASE("envelope: a request that is not method, query and string headers is malformed") {
    for (const char* request :
         {R"("x")", R"({"query":"","headers":{}})", R"({"method":"","query":"","headers":{}})",
          R"({"method":"POST","headers":{}})", R"({"method":"POST","query":"","headers":[]})",
          R"({"method":"POST","query":"","headers":{"A":1}})"}) {
        CAPTURE(request);
        CHECK(reason_of(parse_envelope(std::string(R"({"id":"e","topic":"t","request":)") +
                                       request + R"(,"body":""})"))
                  .find("\"request\"") != std::string::npos);
    }
}

TEST_CASE("envelope_json: a kept request is printed back between topic and body") {
    watch_message message{"e-1", "t", "b"};
    message.request = original_request{"PUT", "", {{"X-Gitlab-Event", "Push Hook"}}};
    const std::string line = envelope_json(message);
    CHECK(line == R"({"id":"e-1","topic":"t","request":{"method":"PUT","query":"",)"
                  R"("headers":{"X-Gitlab-Event":"Push Hook"}},"body":"b"})");
    const auto& back = message_of(parse_envelope(line));
    REQUIRE(back.request);
    CHECK(back.request->headers == message.request->headers);
}
