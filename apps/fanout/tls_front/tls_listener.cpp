#include "tls_front/tls_listener.hpp"

#include <sys/socket.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "hookbot/posix/error.hpp"

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

}  // namespace

tls_listener::tls_listener(asio::io_context& ioc, int listen_fd, tls::context_source& contexts,
                           tls_session_shared& shared)
    : accepting_(std::make_shared<accepting::accept_loop>(
          adopt_listener(ioc, listen_fd), "TLS",
          [&contexts, &shared, &flushes = asio::use_service<flush_queue>(ioc)](tcp::socket socket) {
              std::make_shared<tls_http_session>(std::move(socket), contexts.current(), shared,
                                                 flushes)
                  ->run();
          })),
      shared_(shared) {}

tls_listener::~tls_listener() {
    accepting_->stop();
}

void tls_listener::start() {
    accepting_->start();
}

void tls_listener::stop() {
    accepting_->stop();
    const std::vector<tls_http_session*> open(shared_.sessions.begin(), shared_.sessions.end());
    for (auto* session : open) session->abort();
}

}  // namespace hookbot::fanout
