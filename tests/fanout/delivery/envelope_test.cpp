// The JSON envelope, the gap notice, and the payloads of every kind.
#include "delivery/envelope.hpp"

#include <doctest/doctest.h>

#include <string>

#include "delivery/payload.hpp"
#include "hookbot/request_metadata/record_body.hpp"

namespace hookbot::fanout {

TEST_CASE("the envelope carries a UTF-8 body as a JSON string, escaped") {
    CHECK(json_envelope("e-1", "a/b", "h\xc3\xa9 \"q\" \\ \n\t\x01") ==
          "{\"id\":\"e-1\",\"topic\":\"a/b\",\"body\":\"h\xc3\xa9 \\\"q\\\" \\\\ \\n\\t\\u0001\"}");
    CHECK(json_envelope("e-2", "t", "") == "{\"id\":\"e-2\",\"topic\":\"t\",\"body\":\"\"}");
}

TEST_CASE("a body that is not UTF-8 travels as body_b64") {
    CHECK(json_envelope("e-1", "t", std::string("\xff\x00z", 3)) ==
          "{\"id\":\"e-1\",\"topic\":\"t\",\"body_b64\":\"/wB6\"}");
    // Overlong forms and surrogates are not UTF-8 either.
    CHECK(json_envelope("e", "t", "\xc0\xaf").find("body_b64") != std::string::npos);
    CHECK(json_envelope("e", "t", "\xed\xa0\x80").find("body_b64") != std::string::npos);
}

TEST_CASE("a topic that is not UTF-8 still makes valid JSON") {
    std::string out;
    append_json_string(out, "a\xff");
    CHECK(out == "\"a\\u00ff\"");
}

TEST_CASE("gap notices name the id asked for and why") {
    CHECK(gap_object("x-1", gap_reason::overwritten) ==
          "{\"since\":\"x-1\",\"reason\":\"overwritten\"}");
    const payload frame = make_gap_payload(false, gap_object("x", gap_reason::unknown));
    CHECK(frame->bytes == "{\"gap\":{\"since\":\"x\",\"reason\":\"unknown\"}}");
    CHECK(static_cast<unsigned char>(frame->frame[0]) == 0x81);  // FIN, text
    const payload event = make_gap_payload(true, gap_object("x", gap_reason::other_epoch));
    CHECK(event->frame == "event: gap\ndata: {\"since\":\"x\",\"reason\":\"other_epoch\"}\n\n");
    CHECK(event->bus_seq == 0);
}

TEST_CASE("each payload kind is what its subscribers receive") {
    const record_message record{"e-7", "a/b", "hi", 0, 7};
    const payload bare = make_kind_payload(payload_kind::bare, record);
    CHECK(bare->bytes == "hi");
    CHECK(static_cast<unsigned char>(bare->frame[0]) == 0x82);  // FIN, binary
    CHECK(bare->bus_seq == 7);
    CHECK(make_kind_payload(payload_kind::recursive, record)->bytes == std::string("a/b\0hi", 6));
    const payload json = make_kind_payload(payload_kind::json, record);
    CHECK(json->bytes == "{\"id\":\"e-7\",\"topic\":\"a/b\",\"body\":\"hi\"}");
    CHECK(static_cast<unsigned char>(json->frame[0]) == 0x81);
    const payload event = make_kind_payload(payload_kind::event, record);
    CHECK(event->frame == "id: e-7\ndata: {\"id\":\"e-7\",\"topic\":\"a/b\",\"body\":\"hi\"}\n\n");
    CHECK(event->bytes == event->frame);
}

TEST_CASE("X3: a kept request goes into the JSON and event envelopes, never the original framing") {
    const std::string request =
        R"({"method":"POST","query":"","headers":{"X-GitHub-Event":"push"}})";
    const std::string stored = request_metadata::join_record_body(request, "{\"a\":1}");
    const record_message record =
        read_record("e-8", "a/b", request_metadata::record_flag_request, stored, 0, 8);
    CHECK(record.body == "{\"a\":1}");
    CHECK(record.request_json == request);
    CHECK(make_kind_payload(payload_kind::bare, record)->bytes == "{\"a\":1}");
    CHECK(make_kind_payload(payload_kind::recursive, record)->bytes ==
          std::string("a/b\0{\"a\":1}", 11));
    const std::string envelope =
        "{\"id\":\"e-8\",\"topic\":\"a/b\",\"request\":" + request + ",\"body\":\"{\\\"a\\\":1}\"}";
    CHECK(make_kind_payload(payload_kind::json, record)->bytes == envelope);
    CHECK(make_kind_payload(payload_kind::event, record)->bytes ==
          "id: e-8\ndata: " + envelope + "\n\n");
    // A body that is not UTF-8 still comes as body_b64, after the request.
    const std::string binary = request_metadata::join_record_body(request, "\xff");
    CHECK(make_kind_payload(
              payload_kind::json,
              read_record("e", "t", request_metadata::record_flag_request, binary, 0, 9))
              ->bytes ==
          "{\"id\":\"e\",\"topic\":\"t\",\"request\":" + request + ",\"body_b64\":\"/w==\"}");
}

TEST_CASE("a record without the request flag is its body, whatever its bytes") {
    const std::string stored = request_metadata::join_record_body("{}", "x");
    const record_message record = read_record("e", "t", 0, stored, 0, 1);
    CHECK(record.body == stored);
    CHECK(record.request_json.empty());
}

}  // namespace hookbot::fanout
