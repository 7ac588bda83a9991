#pragma once

#include <string>
#include <string_view>
#include <variant>

// docs/PROTOCOL.md R1, R2 and D7: what the GitHub router makes of one message of
// the recursive topic /unsafe/github.com/. Pure: no I/O, so that the server
// (`serve --router github`) and the client (`hookbot route-github`) share it.
namespace hookbot::github_router {

// The topics the router listens to, recursively (D7): what
// `POST /unsafe/pub/github.com/...` publishes. Not "/unsafe/github.comx/...",
// and no safe topic.
inline constexpr std::string_view monitored_prefix = "/unsafe/github.com/";

[[nodiscard]] constexpr bool is_monitored_topic(std::string_view topic) noexcept {
    return topic.starts_with(monitored_prefix);
}

// R2: publish `body` to the safe topic `topic`.
struct routed {
    std::string topic;  // github.com/repo/<full_name>/branch/<branch>
    std::string body;   // {"Branch":…,"Repo":…,"SHA":…,"Type":"push","Who":…}
};

// D7.3: a message the router has nothing to do with.
enum class ignore_reason {
    envelope_not_json,        // the message is not a JSON object
    envelope_fields_missing,  // no string `Event` or no string `Payload`
    payload_not_base64,       // `Payload` is not standard padded base64
    not_push,                 // `Event` is not "push"
    payload_not_json,         // the decoded payload is not a JSON object
    payload_fields_invalid,   // ref, after, pusher or pusher.name of the wrong type
    no_repository,            // repository.full_name missing, empty or not a string
};

// R1 and D7.1 (this project): a message whose signature does not prove that
// it comes from GitHub.
enum class reject_reason {
    signature_missing,  // no `Signature`, or an empty one
    signature_wrong,    // not sha256=/sha1= HMAC of the payload with the secret
};

struct ignored {
    ignore_reason reason;
};
struct rejected {
    reject_reason reason;
};

using decision = std::variant<routed, ignored, rejected>;

// Decides what to do with `envelope`, the body of one message on a monitored
// topic, keyed with the GitHub secret. The checks come in this order: the
// envelope's shape, the signature (so that nothing about an unsigned payload
// is looked at), the event, the payload.
decision route(std::string_view envelope, std::string_view secret);

// Words for logs: "not a push event", "signature wrong", ...
std::string_view describe(ignore_reason reason) noexcept;
std::string_view describe(reject_reason reason) noexcept;

}  // namespace hookbot::github_router
