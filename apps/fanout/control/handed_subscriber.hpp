#pragma once

#include <boost/asio/io_context.hpp>

#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "subscribers/subscriber_limits.hpp"
#include "topics/subscriptions.hpp"

namespace hookbot::fanout {

// A connection the acceptor handed over (plain HTTP): adopts the fd, parses
// the request head and starts a websocket_subscriber on it. Logs and closes
// the connection when it is unusable.
void start_handed_subscriber(boost::asio::io_context& ioc, posix::unique_fd connection,
                             handoff::subscriber request, subscriptions& registry,
                             const subscriber_limits& limits);

}  // namespace hookbot::fanout
