#pragma once

#include <string>
#include <string_view>

#include "hookbot/auth/token.hpp"

// One line of make-tokens output (docs/PROTOCOL.md D8). Both functions throw
// std::invalid_argument, naming the culprit, for a URI (or base) they cannot
// use.
namespace hookbot::token_cli {

// `uri` is a path ("/sub/topic?q") or a whole URL ("https://host/pub/x");
// its path, percent-decoded, must start with '/' (a URL with a host and no
// path stands for "/").
struct token_settings {
    std::string_view key;
    auth::hash_kind hash = auth::hash_kind::sha256;
};

// The token for the decoded path of `uri`; its query and fragment play no part.
std::string bare_token(std::string_view uri, const token_settings& settings);

// `scheme://TOKEN@host/path?query#fragment`: the host from `uri` when it has
// one, else from `url_base`; the path re-encoded; query and fragment copied;
// ws/wss for paths starting "/sub" or "/unsafe/sub", else http/https, secure
// when the scheme of `uri` (or, lacking one, of `url_base`) is https or wss.
// A path or query in `url_base` is ignored, as in the original.
std::string token_url(std::string_view uri, std::string_view url_base,
                      const token_settings& settings);

}  // namespace hookbot::token_cli
