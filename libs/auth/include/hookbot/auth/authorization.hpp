#pragma once

#include <optional>
#include <string>
#include <string_view>

// docs/PROTOCOL.md T2 and D2.3: where a request's token is.
namespace hookbot::auth {

// The token presented by an `Authorization` header value:
//   "Basic <base64 of token:anything>"  (what https://TOKEN@host/ URLs send)
//   "Bearer <token>"
// The scheme is case-insensitive; the value must be exactly two fields
// separated by spaces or tabs. Anything else (another scheme, one or three
// fields, Basic without a colon, invalid base64, an empty token) is nullopt.
// The token is not checked here: see verifier.
std::optional<std::string> token_from_authorization(std::string_view header_value);

}  // namespace hookbot::auth
