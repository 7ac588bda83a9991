#pragma once

#include <string>
#include <string_view>

// The JSON a subscriber that asked for it receives (docs/PROTOCOL.md,
// "Delivery formats"): one object per message, or a gap notice. Built as
// text directly: the shapes are fixed and small, and a JSON library would
// copy the body once more.
namespace hookbot::fanout {

// {"id":…,"topic":…,"body":…}, or "body_b64" (standard base64) instead of
// "body" when the body is not valid UTF-8. A message published with its
// original request (X3) has `"request":<request_json>` before the body;
// `request_json` is the acceptor's JSON (request_metadata::to_json), written
// as it is. Empty: no "request".
std::string json_envelope(std::string_view id, std::string_view topic, std::string_view body,
                          std::string_view request_json = {});

// Why a resume cannot promise everything since the id it named.
enum class gap_reason {
    overwritten,  // messages after it are no longer retained
    unknown,      // not an id this bus wrote (malformed, or not reached yet)
    other_epoch,  // an id of an earlier bus (a restart without --bus-dir)
    released,     // a large body's blob was released (--blob-budget) before it was read
    expired,      // older than --retention-age: not replayed
};
std::string_view gap_reason_name(gap_reason reason) noexcept;

// The gap notice's object: {"since":…,"reason":…}. A websocket subscriber
// with ?format=json gets it as {"gap":<this>}, an event stream as the data
// of an event named "gap".
std::string gap_object(std::string_view since, gap_reason reason);

// Appends `text` as a JSON string, quotes included. Bytes that are not
// UTF-8 are written as \u00XX of their value (never invalid JSON).
void append_json_string(std::string& out, std::string_view text);

}  // namespace hookbot::fanout
