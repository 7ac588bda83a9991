#pragma once

#include <optional>
#include <string>
#include <string_view>

// A hookbot URL as clients are given it: `wss://TOKEN@host:port/unsafe/sub/x/`
// (what `make-tokens` prints). Only what a client needs, decoded.
namespace hookbot::client {

struct server_url {
    bool websocket = false;  // ws/wss, else http/https
    bool secure = false;     // wss/https: TLS
    std::string host;        // without brackets for IPv6 ("::1")
    std::string port;        // explicit, or 80/443 from the scheme
    std::string user;        // percent-decoded user-info before ':' (the token), or ""
    std::string target;      // path and query as written, "/" when empty

    // "host:port" as a Host or Origin header names it (brackets kept).
    [[nodiscard]] std::string authority() const;
};

// Parses `text`; nullopt when it is not an absolute ws, wss, http or https
// URL with a host (a fragment is dropped). The scheme is case-insensitive.
std::optional<server_url> parse_server_url(std::string_view text);

}  // namespace hookbot::client
