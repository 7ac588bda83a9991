#include "hookbot/accepting/accept_loop.hpp"

#include <cerrno>
#include <chrono>

#include "hookbot/posix/log.hpp"

namespace hookbot::accepting {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

bool out_of_resources(const boost::system::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory ||
           ec == boost::system::error_code(ENFILE, boost::system::system_category());
}

accept_loop::accept_loop(tcp::acceptor acceptor, std::string socket_name,
                         connection_handler on_connection)
    : acceptor_(std::move(acceptor)),
      retry_(acceptor_.get_executor()),
      socket_name_(std::move(socket_name)),
      on_connection_(std::move(on_connection)) {}

void accept_loop::start() {
    accept_next();
}

void accept_loop::stop() {
    boost::system::error_code ignored;
    retry_.cancel();
    acceptor_.close(ignored);
}

void accept_loop::accept_next() {
    acceptor_.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
            self->on_accept(ec, std::move(socket));
        });
}

void accept_loop::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (out_of_resources(ec)) {
        log::error("accept on the ", socket_name_, " socket: ", ec.message(),
                   ": retrying in 100 ms");
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
            if (!timer_ec) self->accept_next();
        });
        return;
    }
    if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        on_connection_(std::move(socket));
    }
    accept_next();
}

}  // namespace hookbot::accepting
