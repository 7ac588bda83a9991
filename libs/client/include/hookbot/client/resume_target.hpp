#pragma once

#include <optional>
#include <string>
#include <string_view>

// The request target a resuming subscriber asks for: the user's own path and
// query, with `format=json` (so every message comes with its id and topic)
// and, once an id is known, `since=<id>` (replay what came after it first).
namespace hookbot::client {

// `target` as a URL gives it ("/sub/x/?a=1"). Any `format` parameter of the
// user's is replaced; a `since` parameter is replaced only when `since` is
// given, so that "?since=all" in a URL holds until the first message. Other
// parameters are kept, in order. The id is percent-encoded.
std::string resume_target(std::string_view target, const std::optional<std::string>& since);

// The topic a subscription target subscribes to (docs/PROTOCOL.md D3: "x" for
// /sub/x, "/unsafe/x" for /unsafe/sub/x, "x" for a root-endpoint /x), and
// whether it is recursive (it ends in '/'). nullopt when the target is not a
// subscription path (/pub/…, /status, /metrics, an invalid escape).
struct subscribed_topic {
    std::string topic;
    bool recursive = false;
};
std::optional<subscribed_topic> subscription_topic(std::string_view target);

}  // namespace hookbot::client
