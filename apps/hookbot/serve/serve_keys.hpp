#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hookbot/auth/key_source.hpp"

// How `hookbot serve` finds its token keys and hands them to the acceptor.
namespace hookbot::serve {

// The source of the keys (auth::find_key_source, from the global flags and
// the environment), loaded once here and checked (auth::check_serving_keys)
// so that a missing, empty or placeholder key stops serve before anything
// starts. A key file's path is made absolute. Nullopt after printing why on
// stderr: exactly "HOOKBOT_KEY not set" when there is no key (docs/PROTOCOL.md C1).
std::optional<auth::key_source> serving_key_source(const auth::key_flags& flags);

// Tells the acceptor where its keys are: a file by `--key-file PATH` in
// `acceptor_args` (it re-reads the file on SIGHUP), a literal key in
// HOOKBOT_KEY. Never the key in an argument: every local user can read
// /proc/*/cmdline. Clears the variables the acceptor must not see (the key
// stays out of the children's environment when it comes from a file).
// Call before any child starts.
void hand_keys_to_acceptor(const auth::key_source& source, std::vector<std::string>& acceptor_args);

}  // namespace hookbot::serve
