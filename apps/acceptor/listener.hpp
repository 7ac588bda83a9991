#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "shared_state.hpp"

namespace hookbot::acceptor {

// Accepts client connections on the listening socket the supervisor bound
// (and keeps: while this process restarts, connections wait in the backlog)
// and starts an http_session for each.
class listener : public std::enable_shared_from_this<listener> {
  public:
    listener(boost::asio::io_context& ioc, boost::asio::ip::tcp::acceptor&& acceptor,
             std::shared_ptr<shared_state> state);

    void run();
    // Stops accepting; closes only this process's copy of the socket.
    void stop();

  private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    std::shared_ptr<shared_state> state_;
};

}  // namespace hookbot::acceptor
