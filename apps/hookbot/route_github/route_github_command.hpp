#pragma once

#include <string>
#include <vector>

#include "hookbot/auth/key_source.hpp"

namespace hookbot::route_github {

// `hookbot route-github --monitor-url URL [--origin O] [--header "N: v"]...`
// (docs/PROTOCOL.md C3): the GitHub router of R1/R2 as a client of a hookbot
// server. The signing key (the first of the global --key or --key-file, else
// of README "Keys"' other sources) makes the publish tokens;
// `github_secret` (--github-secret or HOOKBOT_GITHUB_SECRET) checks signatures.
int run_route_github_command(const std::vector<std::string>& args, const auth::key_flags& key_flags,
                             const std::string& github_secret);

}  // namespace hookbot::route_github
