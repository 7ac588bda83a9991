#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The request a publish with `?extra-metadata=request` keeps beside its body,
// and the JSON object subscribers of the JSON and event-stream formats get
// it as (docs/PROTOCOL.md, "The original request"):
//
//   {"method":"POST","query":"a=1","headers":{"Content-Type":"…","X-GitHub-Event":"push"}}
//
// compact, keys in that order, headers in the order they first came.
namespace hookbot::request_metadata {

// Bounds on what one publish keeps; past them the publish is refused (431).
// The request head is bounded already (--max-header-bytes); these keep the
// copy that rides in every delivery small whatever that option says.
inline constexpr std::size_t max_kept_headers = 64;
inline constexpr std::size_t max_json_bytes = 16 * 1024;

struct kept_request {
    std::string method;  // "POST" or "PUT"
    std::string query;   // kept_query() of the publish URL's query; "" when none
    // Names as the publisher spelt them, the first time it sent each.
    std::vector<std::pair<std::string, std::string>> headers;

    // Adds a header; a second field of the same name (compared without
    // regard to case) joins the first one's value after ", ", as RFC 9110
    // §5.3 allows, so that the JSON object never holds a name twice.
    void add_header(std::string_view name, std::string_view value);
};

// The JSON text of `request`. Bytes of a header value that are not UTF-8
// become U+FFFD (JSON carries text).
std::string to_json(const kept_request& request);

}  // namespace hookbot::request_metadata
