#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "delivery/flush_queue.hpp"
#include "hookbot/handoff/message.hpp"
#include "hookbot/http_front/request_deadline.hpp"
#include "subscribers/subscriber_limits.hpp"
#include "subscribers/websocket_subscriber.hpp"
#include "tls_front/http_limits.hpp"
#include "tls_front/request_forwarder.hpp"
#include "topics/subscriptions.hpp"

namespace hookbot::fanout {

class tls_http_session;

// What every TLS session of a worker shares.
struct tls_session_shared {
    request_forwarder& forwarder;
    subscriptions& registry;
    subscriber_limits limits;
    // Delivers what the bus holds before a subscriber joins (PROTOCOL D5.2).
    std::function<void()> before_subscribe;
    std::uint64_t max_body_bytes;
    http_limits http;
    // --max-subscribers: a handshake beyond it is answered 503.
    std::uint32_t max_subscribers;
    // Sessions between accept and the end of HTTP (stop() aborts them).
    std::unordered_set<tls_http_session*> sessions;
};

// One client connection on the TLS port, from the TLS handshake to its close
// or until it becomes a websocket subscriber. Per request: read the head and
// the whole body (Beast), forward both to the acceptor, write back the
// answer it sends whole. Keep-alive. An authorised websocket handshake is
// completed here, over this TLS stream, as a websocket_subscriber over a tls_transport.
class tls_http_session : public std::enable_shared_from_this<tls_http_session> {
  public:
    // `flushes`: the loop's, whose slices are short while this session lives.
    tls_http_session(boost::asio::ip::tcp::socket socket,
                     std::shared_ptr<boost::asio::ssl::context> context, tls_session_shared& shared,
                     flush_queue& flushes);
    ~tls_http_session();
    tls_http_session(const tls_http_session&) = delete;
    tls_http_session& operator=(const tls_http_session&) = delete;

    void run();
    // The worker stops: close the connection; pending operations end.
    void abort();

  private:
    void on_handshake(boost::beast::error_code ec);
    void do_read_head(std::chrono::milliseconds timeout);
    void on_read_head(boost::beast::error_code ec, std::size_t bytes);
    void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
    void do_read_body();
    void on_read_body(boost::beast::error_code ec, std::size_t bytes);
    void forward(handoff::forwarded_request request);
    void on_answer(handoff::message answer);
    void on_write(bool close, boost::beast::error_code ec, std::size_t bytes);
    void subscribe(const handoff::forwarded_subscribe& answer);
    void do_close();
    void on_shutdown(boost::beast::error_code ec);
    [[nodiscard]] handoff::forwarded_request request_with_head() const;
    void answer_timeout(const char* what);

    // Keeps the SSL context this connection was made with alive across a
    // reload (SIGHUP): new handshakes use the new one, this one keeps its own.
    std::shared_ptr<boost::asio::ssl::context> context_;
    tls_stream stream_;
    boost::beast::flat_buffer buffer_;
    tls_session_shared& shared_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    std::string response_;
    // The deadline of the head or body being read (the socket stays open
    // for the 408).
    http_front::request_deadline deadline_;
    bool registered_ = true;
    flush_queue::answering_client answering_;
};

}  // namespace hookbot::fanout
