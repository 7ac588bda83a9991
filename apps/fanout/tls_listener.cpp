#include "tls_listener.hpp"

#include <sys/socket.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hookbot/posix/error.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

tcp::acceptor adopt_listener(asio::io_context& ioc, int fd) {
    int listening = 0;
    socklen_t length = sizeof listening;
    posix::check(::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length),
                 "getsockopt SO_ACCEPTCONN on --listen-fd " + std::to_string(fd));
    sockaddr_storage address{};
    length = sizeof address;
    posix::check(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length),
                 "getsockname on --listen-fd " + std::to_string(fd));
    if (listening == 0 || (address.ss_family != AF_INET && address.ss_family != AF_INET6)) {
        throw std::invalid_argument("--listen-fd " + std::to_string(fd) +
                                    " is not a listening TCP socket");
    }
    tcp::acceptor acceptor(ioc, address.ss_family == AF_INET ? tcp::v4() : tcp::v6(), fd);
    acceptor.non_blocking(true);  // shared: another worker may take a connection first
    return acceptor;
}

bool out_of_resources(const boost::system::error_code& ec) {
    return ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
           ec == asio::error::no_memory ||
           ec == boost::system::error_code(ENFILE, boost::system::system_category());
}

}  // namespace

tls_listener::tls_listener(asio::io_context& ioc, int listen_fd, tls::context_source& contexts,
                           tls_session_shared& shared)
    : acceptor_(adopt_listener(ioc, listen_fd)),
      retry_(ioc),
      contexts_(contexts),
      shared_(shared) {}

void tls_listener::start() {
    do_accept();
}

void tls_listener::stop() {
    boost::system::error_code ignored;
    retry_.cancel();
    acceptor_.close(ignored);
    const std::vector<tls_http_session*> open(shared_.sessions.begin(), shared_.sessions.end());
    for (auto* session : open) session->abort();
}

void tls_listener::do_accept() {
    acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
        on_accept(ec, std::move(socket));
    });
}

void tls_listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (out_of_resources(ec)) {
        log::error("accept on the TLS socket: ", ec.message(), ": retrying in 100 ms");
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](boost::system::error_code timer_ec) {
            if (!timer_ec) do_accept();
        });
        return;
    }
    if (!ec) {
        socket.set_option(tcp::no_delay(true), ec);
        std::make_shared<tls_http_session>(std::move(socket), contexts_.current(), shared_)->run();
    }
    do_accept();
}

}  // namespace hookbot::fanout
