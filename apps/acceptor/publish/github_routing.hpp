#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hookbot/github_router/counters.hpp"
#include "hookbot/github_router/route.hpp"
#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::acceptor {

// `serve --router github` (docs/PROTOCOL.md R1, R2, D7), in the acceptor: the bus's
// single writer sees every message as it commits it, which is the "internal
// recursive subscription to /unsafe/github.com/" of D7 without a subscriber
// that could fall behind or lose messages. publish_handler asks it about each
// committed message and appends what it routes right after the original.
class github_routing {
  public:
    explicit github_routing(std::string secret);

    // For a message just committed on `topic`: the message to append to the
    // bus next, or nullopt (not a monitored topic, rejected, ignored). Counts
    // and logs what it does not route.
    std::optional<github_router::routed> examine(std::string_view topic, std::string_view body);

    // Counts and logs the outcome of appending what examine returned.
    void appended(const github_router::routed& message, bool committed);

    [[nodiscard]] const github_router::counters& counters() const noexcept { return counters_; }

  private:
    std::string secret_;
    github_router::counters counters_;
    log::throttle log_{20, "GitHub router lines"};
};

}  // namespace hookbot::acceptor
