#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hookbot/tls/context_source.hpp"
#include "tls_http_session.hpp"

namespace hookbot::fanout {

// Built-in TLS: accepts on the public socket the supervisor bound and shares
// among the workers (whichever worker accepts first gets the connection), and
// starts a tls_http_session for each with the SSL context current at that
// moment.
class tls_listener {
  public:
    // `listen_fd`: the inherited listening TCP socket (adopted: closed with this).
    tls_listener(boost::asio::io_context& ioc, int listen_fd, tls::context_source& contexts,
                 tls_session_shared& shared);

    void start();
    // Stops accepting and closes every connection still speaking HTTP.
    void stop();

  private:
    void do_accept();
    void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer retry_;
    tls::context_source& contexts_;
    tls_session_shared& shared_;
};

}  // namespace hookbot::fanout
