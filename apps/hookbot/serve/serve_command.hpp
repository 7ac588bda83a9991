#pragma once

#include <string>
#include <vector>

#include "hookbot/auth/key_source.hpp"

namespace hookbot::serve {

// `hookbot serve [options]`: binds, creates the bus, supervises the acceptor
// and the workers. `key_flags` are the global --key and --key-file (README
// "Keys" gives the order of the key's sources), `github_secret` the global
// --github-secret or HOOKBOT_GITHUB_SECRET (needed by --router github only).
int run_serve_command(const std::vector<std::string>& args, const auth::key_flags& key_flags,
                      const std::string& github_secret = {});

}  // namespace hookbot::serve
