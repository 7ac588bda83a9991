#pragma once

#include <string>
#include <string_view>

// Entity tags for the inspector's files (RFC 9110 §8.8.3): a file's tag is
// made from the hash of its bytes at build time, so it changes exactly when
// a new build changes the file, and a browser revalidating (Cache-Control:
// no-cache) gets 304 until then.
namespace hookbot::acceptor::ui {

// A strong tag, quoted: "\"<first 32 hex digits of sha256>\"".
std::string entity_tag(std::string_view sha256_hex);

// Whether an If-None-Match field value names `tag` (RFC 9110 §13.1.2): "*",
// or a comma-separated list compared weakly (a W/ prefix is ignored).
bool none_match_names(std::string_view if_none_match, std::string_view tag) noexcept;

}  // namespace hookbot::acceptor::ui
