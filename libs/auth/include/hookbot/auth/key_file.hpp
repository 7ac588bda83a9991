#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// A key file holds the server's token keys, one per line, so that a key can
// be rotated without invalidating every token at once (README "Keys"):
//
//   # hookbot keys: the first signs new tokens, every one verifies
//   3f9d0c…   <- the new key
//   a71b44…   <- the old key, until the tokens made with it are replaced
//
// Blank lines and lines whose first character is '#' are ignored. Whitespace
// around a key is not part of it (so CRLF files and a trailing space after
// an editor's paste do no harm), which also means a key cannot begin with '#'
// or with whitespace.
namespace hookbot::auth {

// Bounds on what a key file may hold: every request tries each key, and a
// file is read whole into memory.
inline constexpr std::size_t max_key_file_bytes = 64 * 1024;
inline constexpr std::size_t max_keys = 16;

// The keys in `text`, in order; none is empty. An empty result is no error
// here (read_key_file says so). Throws std::invalid_argument, naming the
// line, for more than max_keys keys.
std::vector<std::string> parse_key_file(std::string_view text);

// The keys of the file at `path`. Throws std::runtime_error naming the path
// and the reason: it cannot be opened or read (with errno's text), it is
// larger than max_key_file_bytes, it holds no key or too many.
std::vector<std::string> read_key_file(const std::string& path);

}  // namespace hookbot::auth
