#include "sessions/listener.hpp"

#include "sessions/http_session.hpp"

namespace hookbot::acceptor {

listener::listener(boost::asio::ip::tcp::acceptor&& acceptor, std::shared_ptr<shared_state> state)
    : accepting_(std::make_shared<accepting::accept_loop>(
          std::move(acceptor), "public",
          [state = std::move(state)](boost::asio::ip::tcp::socket socket) {
              std::make_shared<http_session>(std::move(socket), state)->run();
          })) {}

void listener::run() {
    accepting_->start();
}

void listener::stop() {
    accepting_->stop();
}

}  // namespace hookbot::acceptor
