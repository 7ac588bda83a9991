#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <memory>

#include "hookbot/accepting/accept_loop.hpp"
#include "sessions/shared_state.hpp"

namespace hookbot::acceptor {

// Accepts client connections on the listening socket the supervisor bound
// (and keeps: while this process restarts, connections wait in the backlog)
// and starts an http_session for each. Accepting goes on after this object
// is gone, until stop().
class listener {
  public:
    listener(boost::asio::ip::tcp::acceptor&& acceptor, std::shared_ptr<shared_state> state);

    void run();
    // Stops accepting; closes only this process's copy of the socket.
    void stop();

  private:
    std::shared_ptr<accepting::accept_loop> accepting_;
};

}  // namespace hookbot::acceptor
