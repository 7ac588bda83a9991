#pragma once

#include <string>
#include <vector>

namespace hookbot::listen {

// `hookbot listen URL [options]`: receives a topic's messages over a
// retrying, resuming websocket subscription (client::retrying_watch) and
// prints each one, or runs a command per message (--exec). Stops cleanly on
// SIGINT or SIGTERM. docs/OPERATIONS.md, "Receiving: hookbot listen".
int run_listen_command(const std::vector<std::string>& args);

}  // namespace hookbot::listen
