#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/context.hpp>
#include <string>

#include "hookbot/auth/token.hpp"
#include "hookbot/client/server_url.hpp"
#include "hookbot/github_router/counters.hpp"
#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::route_github {

// `hookbot route-github`'s work on each message of its subscription
// (docs/PROTOCOL.md C3): the router of R1/R2 (libs/github_router), then a publish
// of what it routes to the server, with a token made from the key.
class github_relay {
  public:
    struct config {
        client::server_url server;  // where to publish: the monitored server
        std::string key;            // HOOKBOT_KEY: tokens for /pub/<topic>
        auth::hash_kind token_hash = auth::hash_kind::sha256;
        std::string github_secret;  // R1
    };

    github_relay(config settings, boost::asio::ssl::context& tls);

    // One websocket message: "topic NUL body" from a recursive subscription,
    // or the bare body from an exact one.
    boost::asio::awaitable<void> on_message(std::string message);

    [[nodiscard]] const github_router::counters& counters() const noexcept { return counters_; }

  private:
    boost::asio::awaitable<void> publish(const github_router::routed& message);

    config config_;
    boost::asio::ssl::context& tls_;
    github_router::counters counters_;
    log::throttle log_{20, "GitHub router lines"};
};

}  // namespace hookbot::route_github
