#pragma once

#include <string>
#include <string_view>

namespace hookbot::request_metadata {

// The publish URL's raw query as the kept request carries it: every pair as
// it came (order, spelling and escapes unchanged) but `extra-metadata`, which
// is hookbot's own, and `access_token`, which may be a token and is never
// kept (docs/PROTOCOL.md, "Tokens in the URL"). A name is compared after
// form decoding ('+' is a space, then %XX), as the server reads parameters.
std::string kept_query(std::string_view raw_query);

}  // namespace hookbot::request_metadata
