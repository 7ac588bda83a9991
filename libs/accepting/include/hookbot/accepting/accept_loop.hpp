#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <string>

namespace hookbot::accepting {

// Whether an accept failed because the process or the system is out of a
// resource (descriptors, buffers, memory): accepting again at once would
// fail again and spin.
bool out_of_resources(const boost::system::error_code& ec);

// Accepts connections on a listening socket until stopped and hands each,
// with TCP_NODELAY set (answers are small and latency matters more than
// packet count), to `on_connection`. Out of resources it logs and waits
// 100 ms before accepting again; other accept errors (a peer that reset
// before it was accepted) only skip that connection.
//
// Make it with std::make_shared: pending operations keep it alive, so it
// may outlive its owner. `on_connection` is never called after stop().
class accept_loop : public std::enable_shared_from_this<accept_loop> {
  public:
    using connection_handler = std::function<void(boost::asio::ip::tcp::socket)>;

    // `socket_name` names the socket in log lines ("public", "TLS").
    accept_loop(boost::asio::ip::tcp::acceptor acceptor, std::string socket_name,
                connection_handler on_connection);

    void start();
    // Stops accepting; closes only this process's copy of the socket.
    void stop();

  private:
    void accept_next();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    std::string socket_name_;
    connection_handler on_connection_;
};

}  // namespace hookbot::accepting
