#pragma once

#include <string>
#include <vector>

namespace hookbot::serve {

// `hookbot serve [options]`: binds, creates the bus, supervises the acceptor
// and the workers. `key` is the global --key or HOOKBOT_KEY (may be empty).
int run_serve_command(const std::vector<std::string>& args, const std::string& key);

}  // namespace hookbot::serve
