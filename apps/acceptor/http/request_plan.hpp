#pragma once

#include <boost/beast/http/message.hpp>
#include <string>
#include <variant>

#include "hookbot/auth/verifier.hpp"
#include "hookbot/handoff/message.hpp"
#include "hookbot/routing/route.hpp"
#include "http/responses.hpp"

// What to do with a request once its head is read: docs/PROTOCOL.md D1 (order),
// D2 (tokens), D4.1 and D4.3 (publish checks), D5.1 and D5.4 (subscribe and
// root endpoint), D6 (unsafe subscriptions). Pure: no I/O, no bus, so every
// rule of that order has a unit test.
namespace hookbot::acceptor {

// Answer now, without publishing or subscribing.
struct reply {
    responses::response response;
    bool close = false;  // D1.1: the connection closes after the answer
};

// What `?extra-metadata=` asks a publish to add to its body (D4.3).
enum class extra_metadata {
    none,     // the body alone
    github,   // the github envelope instead of the body (X1)
    request,  // the body, and beside it the original request (X3)
};

// Read the body, then publish it (or its github envelope, X1) to `topic`.
struct publish_plan {
    std::string topic;
    extra_metadata extra = extra_metadata::none;
    std::string query;  // the raw query, which X3 keeps (less its own parameters)
};

// A valid, authorised websocket handshake or event-stream request: hand the
// connection to a worker.
struct subscribe_plan {
    std::string topic;
    bool recursive = false;
    handoff::delivery_format format = handoff::delivery_format::original;
    std::string since;  // ?since=, else Last-Event-ID; empty: live only
};

// GET or HEAD /metrics: answer with the metrics page if the peer may read it
// (metrics_access.hpp); whether the request carried a valid token for
// /metrics is part of that decision.
struct metrics_plan {
    bool token_valid = false;
};

// A request under /ui: the inspector page (ui/inspector_answer.hpp), which
// needs no token; its own files hold none, and the page asks for one.
struct ui_plan {
    std::string path;  // "/ui" or "/ui/…", decoded
};

using request_plan = std::variant<reply, publish_plan, subscribe_plan, metrics_plan, ui_plan>;

// Whether a request is a publish for the publish counters: a publish
// endpoint with any method, or POST on the root endpoint.
bool is_publish_request(const http::request_header<>& head, const routing::decision& route);

request_plan plan_request(const http::request_header<>& head, const routing::decision& route,
                          const auth::verifier& verifier);

// A subscription's token may come in the URL when the client cannot set
// headers (a browser's EventSource): docs/PROTOCOL.md, "Tokens in the URL".
inline constexpr std::string_view access_token_parameter = "access_token";

// D6: the header an unsafe subscription must carry, and its exact value.
inline constexpr std::string_view unsafe_header_name = "X-Hookbot-Unsafe-Is-Ok";
inline constexpr std::string_view unsafe_header_value = "I understand the security implications";

}  // namespace hookbot::acceptor
