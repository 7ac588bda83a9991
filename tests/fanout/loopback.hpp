#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "control/handed_subscriber.hpp"
#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "options.hpp"
#include "subscribers/websocket_subscriber.hpp"
#include "topics/subscriptions.hpp"

// What the acceptor does to a subscriber, done in-process: accept a loopback
// TCP connection, read its upgrade head, hand the fd to a websocket_subscriber.
// The client side runs a synchronous Beast websocket client on its own thread.
namespace hookbot::fanout::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

using client_stream = websocket::stream<tcp::socket>;

class loopback_client {
  public:
    // Starts `body` on a thread once `ws` has connected and shaken hands.
    loopback_client(const tcp::endpoint& server, std::string target,
                    std::function<void(client_stream&, const websocket::response_type&)> body)
        : thread_([this, server, target = std::move(target), body = std::move(body)] {
              try {
                  asio::io_context ioc;
                  client_stream ws(ioc);
                  ws.next_layer().connect(server);
                  websocket::response_type response;
                  ws.handshake(response, "localhost", target);
                  body(ws, response);
              } catch (...) {
                  error_ = std::current_exception();
              }
          }) {}

    // Joins and rethrows what the client thread threw.
    void finish() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(error_);
    }
    ~loopback_client() {
        if (thread_.joinable()) thread_.join();
    }
    loopback_client(const loopback_client&) = delete;
    loopback_client& operator=(const loopback_client&) = delete;

  private:
    std::exception_ptr error_;
    std::thread thread_;
};

// Accepts the next connection on `listener` and hands it over as the acceptor would.
// A non-zero `send_buffer` sets the server side's SO_SNDBUF.
inline void hand_over(asio::io_context& ioc, tcp::acceptor& listener, subscriptions& registry,
                      const subscriber_limits& limits, std::string topic, bool recursive,
                      int send_buffer = 0) {
    tcp::socket socket = listener.accept();
    if (send_buffer != 0) socket.set_option(asio::socket_base::send_buffer_size(send_buffer));
    std::string head;
    const std::size_t length = asio::read_until(socket, asio::dynamic_buffer(head), "\r\n\r\n");
    head.resize(length);
    posix::unique_fd fd(socket.release());
    start_handed_subscriber(
        ioc, std::move(fd),
        handoff::subscriber{
            std::move(topic), recursive, std::move(head), handoff::delivery_format::original, {}},
        registry, limits);
}

}  // namespace hookbot::fanout::testing
