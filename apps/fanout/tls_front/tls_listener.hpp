#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "hookbot/accepting/accept_loop.hpp"
#include "hookbot/tls/context_source.hpp"
#include "tls_front/tls_http_session.hpp"

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
    tls_listener(const tls_listener&) = delete;
    tls_listener& operator=(const tls_listener&) = delete;
    // Stops accepting: the accept loop may outlive this, but must not call it.
    ~tls_listener();

    void start();
    // Stops accepting and closes every connection still speaking HTTP.
    void stop();

  private:
    std::shared_ptr<accepting::accept_loop> accepting_;
    tls_session_shared& shared_;
};

}  // namespace hookbot::fanout
