#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

// From a request target to what the server does with it: PROTOCOL.md D1
// (order of processing, canonicalisation) and D3 (topics).
namespace hookbot::routing {

enum class endpoint { status, pub, sub, unsafe_pub, unsafe_sub, root };

// D1.1: an invalid percent-escape. Answer 400 and close.
struct malformed {};

// D1.2 and D1.4: answer 301 with this Location (path, then "?query" if any).
struct redirect {
    std::string location;
};

// D1.3 and D1.5: handle the request at this endpoint.
struct dispatch {
    endpoint kind = endpoint::root;
    std::string path;    // percent-decoded, no query: what tokens are made for
    std::string topic;   // D3: "X" for /pub/X, "/unsafe/X" for /unsafe/pub/X, …
    bool recursive = false;  // topic ends in '/'
    std::string query;   // raw query string, without '?'
};

using decision = std::variant<malformed, redirect, dispatch>;

// `target` is the request-target of the request line (origin form; the path
// of an absolute-form target is used).
decision route(std::string_view target);

// nullopt on an invalid escape ("%zz", a lone "%").
std::optional<std::string> percent_decode(std::string_view text);
// Escapes what a path segment may not hold verbatim (keeps '/').
std::string percent_encode_path(std::string_view path);

// The decoded value of the first `name` parameter of a raw query string, or
// nullopt when absent. The name is matched case-sensitively.
std::optional<std::string> query_parameter(std::string_view query, std::string_view name);

}  // namespace hookbot::routing
