#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

// From a request target to what the server does with it: docs/PROTOCOL.md D1
// (order of processing, canonicalisation) and D3 (topics).
namespace hookbot::routing {

// `metrics`: the exact path /metrics (this project's addition; README). Like
// /status, only the exact path: /metrics/ and /metrics/x stay root-endpoint
// topics. `ui`: /ui and every path below /ui/, the inspector page's files
// (docs/PROTOCOL.md, "The inspector page"); the topic ui/… stays reachable as
// /pub/ui/… and /sub/ui/….
enum class endpoint { status, metrics, ui, pub, sub, unsafe_pub, unsafe_sub, root };

// Whether /ui and the paths below it are the inspector's (--ui on) or, as in
// the original, root-endpoint topics like any other path (--ui off).
enum class ui_paths { inspector, topics };

// D1.1: an invalid percent-escape. Answer 400 and close.
struct malformed {};

// D1.2 and D1.4: answer 301 with this Location: the cleaned path,
// percent-encoded again (percent_encode_path), then "?query" when the request
// had a non-empty query.
struct redirect {
    std::string location;
};

// D1.3 and D1.5: handle the request at this endpoint.
struct dispatch {
    endpoint kind = endpoint::root;
    std::string path;        // percent-decoded, no query: what tokens are made for
    std::string topic;       // D3: "X" for /pub/X, "/unsafe/X" for /unsafe/pub/X, …
    bool recursive = false;  // topic ends in '/'
    std::string query;       // raw query string, without '?'
};

using decision = std::variant<malformed, redirect, dispatch>;

// `target` is the request-target of the request line (origin form; the path
// of an absolute-form target is used). Any other form ("*", "host:port",
// a relative path) is malformed.
decision route(std::string_view target, ui_paths ui = ui_paths::inspector);

// nullopt on an invalid escape ("%zz", a lone "%").
std::optional<std::string> percent_decode(std::string_view text);
// Escapes, as %XX with upper-case digits, every byte that RFC 3986 does not
// allow verbatim in a path: all but unreserved, sub-delims, ':', '@' and '/'.
std::string percent_encode_path(std::string_view path);

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
bool is_uri_scheme(std::string_view text) noexcept;

// The decoded value of the first `name` parameter of a raw query string, or
// nullopt when absent. The name is matched case-sensitively. Decoding is that
// of Go's url.Query, which the original used: pairs split on '&', '+' means a
// space, and a pair with an invalid escape is skipped. "?name" and "?name="
// both give "".
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace hookbot::routing
