#pragma once

#include <string>
#include <vector>

namespace hookbot::route_github {

// `hookbot route-github --monitor-url URL [--origin O] [--header "N: v"]...`
// (PROTOCOL.md C3): the GitHub router of R1/R2 as a client of a hookbot
// server. `key` (the global --key or HOOKBOT_KEY) makes the publish tokens;
// `github_secret` (--github-secret or HOOKBOT_GITHUB_SECRET) checks signatures.
int run_route_github_command(const std::vector<std::string>& args, const std::string& key,
                             const std::string& github_secret);

}  // namespace hookbot::route_github
