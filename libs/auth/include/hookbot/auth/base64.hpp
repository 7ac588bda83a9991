#pragma once

#include <optional>
#include <string>
#include <string_view>

// Standard base64 (RFC 4648 §4: alphabet "+/", '=' padding), by OpenSSL.
namespace hookbot::auth {

// Padded, no line breaks. docs/PROTOCOL.md X1 puts this in `Payload`.
std::string base64_encode(std::string_view bytes);

// Strict: accepts only the canonical padded encoding of some bytes (what
// base64_encode would produce), so whitespace, missing or misplaced '=' and
// stray bits in the last digit are all rejected.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace hookbot::auth
