#include "listener.hpp"

#include "hookbot/posix/log.hpp"
#include "http_session.hpp"

namespace hookbot::acceptor {
namespace {

namespace net = boost::asio;

// Errors that say the process or the system is out of a resource: accepting
// again at once would fail again (and spin), so wait a little first.
bool out_of_resources(const boost::system::error_code& ec) {
    return ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
           ec == net::error::no_memory ||
           ec == boost::system::error_code(ENFILE, boost::system::system_category());
}

}  // namespace

listener::listener(net::io_context& ioc, net::ip::tcp::acceptor&& acceptor,
                   std::shared_ptr<shared_state> state)
    : acceptor_(std::move(acceptor)), retry_(ioc), state_(std::move(state)) {}

void listener::run() {
    do_accept();
}

void listener::stop() {
    boost::system::error_code ignored;
    retry_.cancel();
    acceptor_.close(ignored);
}

void listener::do_accept() {
    acceptor_.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, net::ip::tcp::socket socket) {
            self->on_accept(ec, std::move(socket));
        });
}

void listener::on_accept(boost::system::error_code ec, net::ip::tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (out_of_resources(ec)) {
        log::error("accept on the public socket: ", ec.message(), ": retrying in 100 ms");
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([self = shared_from_this()](boost::system::error_code timer_ec) {
            if (!timer_ec) self->do_accept();
        });
        return;
    }
    if (!ec) {
        // Answers are small and latency matters more than packet count.
        socket.set_option(net::ip::tcp::no_delay(true), ec);
        std::make_shared<http_session>(std::move(socket), state_)->run();
    }
    do_accept();
}

}  // namespace hookbot::acceptor
