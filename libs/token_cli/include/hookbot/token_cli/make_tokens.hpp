#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/auth/key_source.hpp"

// The make-tokens tool (docs/PROTOCOL.md C2, D8), shared by `hookbot-tokens` and
// `hookbot make-tokens`. It takes its environment and streams as arguments
// so that tests run it without a process.
namespace hookbot::token_cli {

// The value of an environment variable, or nullopt when it is unset.
using environment_lookup = auth::environment_lookup;

// Reads the real environment (getenv).
environment_lookup process_environment();

// `program` names the command in messages ("hookbot-tokens",
// "hookbot make-tokens"); `args` are the arguments after it. Reads
// HOOKBOT_URL_BASE and the key's sources (auth::find_key_source: --key,
// --key-file, HOOKBOT_KEY, HOOKBOT_KEY_FILE, the systemd credential) through
// `env`; the first key of a key file signs. Prints one line per URI on
// `out`, or nothing at all when any URI fails; messages go to `err`.
// Returns the exit status: 0, or 1 for a usage error, a missing key, an
// unparseable URL base or URI.
int run_make_tokens(std::string_view program, const std::vector<std::string>& args,
                    const environment_lookup& env, std::ostream& out, std::ostream& err);

}  // namespace hookbot::token_cli
