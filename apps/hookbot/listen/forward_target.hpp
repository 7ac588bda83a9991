#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hookbot/client/server_url.hpp"

namespace hookbot::listen {

// Where `--forward URL` delivers: an http:// or https:// URL whose path (and
// query, if any) every forwarded request is sent to.
struct forward_target {
    client::server_url server;
    std::string path;   // "/" when the URL has none
    std::string query;  // the URL's own query, without '?'; "" when none

    // The request target for a message published with `original_query`:
    // the path, then the URL's query and the original one joined by '&'
    // (docs/OPERATIONS.md, "Forwarding").
    [[nodiscard]] std::string request_target(std::string_view original_query) const;
    // The Host header: host, and the port unless it is the scheme's own.
    [[nodiscard]] std::string host_header() const;
    // "http://host:port/path" for log lines: never a user-info part.
    [[nodiscard]] std::string shown() const;
};

// nullopt when `text` is not an absolute http:// or https:// URL.
std::optional<forward_target> parse_forward_target(std::string_view text);

}  // namespace hookbot::listen
