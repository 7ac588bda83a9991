#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

// What a subscription with `?format=json` receives (issue 17, "Envelope"):
// one JSON object per text frame,
//
//   {"id":"<opaque>","topic":"<topic>","body":"<UTF-8 text>"}
//   {"id":"<opaque>","topic":"<topic>","body_b64":"<standard base64>"}   body not UTF-8
//   {"id":…,"topic":…,"request":{"method":…,"query":…,"headers":{…}},"body":…}
//                               published with ?extra-metadata=request (PROTOCOL X3)
//   {"gap":{"since":"<the id asked for>","reason":"<why>"}}             before a replay
//
// and what a server without it sends instead: binary frames, the body alone,
// or "topic NUL body" on a recursive subscription (docs/PROTOCOL.md D5.2).
namespace hookbot::client {

// The request a message was published with, as the server kept it
// (docs/PROTOCOL.md X3): the method, the raw query (hookbot's own parameters
// taken out) and the allow-listed headers, names as the publisher spelt them.
struct original_request {
    std::string method;
    std::string query;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct watch_message {
    std::optional<std::string> id;  // opaque; absent from a binary frame
    std::string topic;
    std::string body;  // the published bytes, decoded
    // Present when the publish kept its request (?extra-metadata=request).
    std::optional<original_request> request = std::nullopt;
};

// The server could not replay from the id asked for (too old, unknown, of
// another bus epoch): what follows is everything it still has.
struct gap_notice {
    std::string since;
    std::string reason;
};

struct malformed_envelope {
    std::string reason;  // what is wrong, for a log line
};

using envelope = std::variant<watch_message, gap_notice, malformed_envelope>;

// One text frame of a `format=json` subscription.
envelope parse_envelope(std::string_view text);

// One binary frame: the body of `subscribed_topic`, or, on a recursive
// subscription, "topic NUL body" (a frame without the NUL is malformed).
envelope parse_binary_frame(std::string payload, std::string_view subscribed_topic, bool recursive);

// The inverse of parse_envelope, on one line without its newline: "body" when
// the body is valid UTF-8, else "body_b64"; "id" is null when unknown.
std::string envelope_json(const watch_message& message);
std::string envelope_json(const gap_notice& gap);

}  // namespace hookbot::client
