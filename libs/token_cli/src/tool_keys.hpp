#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/auth/key_source.hpp"

namespace hookbot::token_cli {

// The keys a token tool works with (the first signs), found in the order of
// auth::find_key_source; or nullopt after saying on `err`, as "<program>:
// ...", why there are none (for no source at all: "HOOKBOT_KEY not set",
// docs/PROTOCOL.md D8).
std::optional<std::vector<std::string>> tool_keys(std::string_view program,
                                                  const auth::key_flags& flags,
                                                  const auth::environment_lookup& env,
                                                  std::ostream& err);

}  // namespace hookbot::token_cli
