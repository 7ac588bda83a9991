#pragma once

#include <chrono>

namespace hookbot::fanout {

// How long a worker waits between tries to reach the acceptor's control
// socket (attaching, or after the acceptor restarted): from the first, each
// wait doubles up to the last.
inline constexpr std::chrono::milliseconds first_reconnect_backoff{100};
inline constexpr std::chrono::milliseconds max_reconnect_backoff{5000};

}  // namespace hookbot::fanout
