#pragma once

#include <string>
#include <vector>

namespace hookbot::serve {

// `hookbot serve [options]`: binds, creates the bus, supervises the acceptor
// and the workers. `key` is the global --key or HOOKBOT_KEY (may be empty),
// `github_secret` the global --github-secret or HOOKBOT_GITHUB_SECRET (needed
// by --router github only).
int run_serve_command(const std::vector<std::string>& args, const std::string& key,
                      const std::string& github_secret = {});

}  // namespace hookbot::serve
