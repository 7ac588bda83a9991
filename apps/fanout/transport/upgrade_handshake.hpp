#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "transport/subscriber_transport.hpp"
#include "transport/tls_transport.hpp"
#include "transport/upgrade_request.hpp"

namespace hookbot::fanout {

// A connection from its upgrade request to its 101: Beast's websocket stream
// answers the request (PROTOCOL D5.1), then is freed, and the connection goes
// on as a subscriber_transport. One per stream type: plain TCP (handed over
// by the acceptor) or TLS (accepted by this worker).
class upgrade_handshake {
  public:
    virtual ~upgrade_handshake() = default;
    upgrade_handshake(const upgrade_handshake&) = delete;
    upgrade_handshake& operator=(const upgrade_handshake&) = delete;

    // Writes the 101 (within `timeout`), then calls `done`. The request is
    // held until then.
    virtual void async_answer(std::chrono::milliseconds timeout,
                              std::function<void(boost::beast::error_code)> done) = 0;
    // After `done` without error: the connection, non-blocking. Null, with
    // `ec` set, when it cannot go on.
    virtual std::unique_ptr<subscriber_transport> take_transport(boost::beast::error_code& ec) = 0;
    // Closes the connection: a pending answer ends.
    virtual void abort() noexcept = 0;

    // "address:port" of the client, for log lines.
    [[nodiscard]] virtual std::string peer() = 0;
    [[nodiscard]] virtual boost::asio::io_context::executor_type executor() = 0;

  protected:
    upgrade_handshake() = default;
};

std::unique_ptr<upgrade_handshake> make_upgrade_handshake(boost::beast::tcp_stream stream,
                                                          upgrade_request request);

// An event stream's answer instead of the 101: the head of a 200
// text/event-stream response whose body runs until the connection closes
// (docs/PROTOCOL.md, "Server-Sent Events"), then the same transport.
std::unique_ptr<upgrade_handshake> make_event_stream_answer(boost::beast::tcp_stream stream);
std::unique_ptr<upgrade_handshake> make_event_stream_answer(tls_stream stream);
std::unique_ptr<upgrade_handshake> make_upgrade_handshake(tls_stream stream,
                                                          upgrade_request request);

}  // namespace hookbot::fanout
