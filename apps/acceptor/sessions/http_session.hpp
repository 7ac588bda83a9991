#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "hookbot/http_front/request_deadline.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "http/request_plan.hpp"
#include "http/responses.hpp"
#include "sessions/shared_state.hpp"

namespace hookbot::acceptor {

namespace beast = boost::beast;
using tcp = boost::asio::ip::tcp;

// One client connection, kept alive by shared_from_this() in its handlers.
// Per request: read the head (header limit, header timeout), check it
// (head_checks.hpp), plan it (request_plan.hpp), then answer, read the body
// (body timeout) and publish, or hand the connection to a fanout worker,
// which ends this session without closing the client's connection.
// Keep-alive; Content-Length and chunked bodies. A head or body not complete
// by its deadline gets 408: the deadline is one timer for the whole head or
// body (not per read), so a client trickling bytes cannot hold a connection.
class http_session : public std::enable_shared_from_this<http_session> {
  public:
    http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state);
    ~http_session();
    http_session(const http_session&) = delete;
    http_session& operator=(const http_session&) = delete;

    void run();

  private:
    void do_wait_request();
    void on_request_ready(beast::error_code ec);
    void on_request_start(beast::error_code ec, std::size_t bytes);
    void start_head();
    void do_read_head();
    void continue_read_head();
    void on_read_head(beast::error_code ec, std::size_t bytes);
    void on_head();

    void start_publish(publish_plan plan);
    void on_continue_sent(beast::error_code ec, std::size_t bytes);
    void do_read_body();
    void on_read_body(beast::error_code ec, std::size_t bytes);

    void hand_off(const subscribe_plan& plan);
    void answer_metrics(const metrics_plan& plan);

    void send(responses::response res, bool close = false);
    // A publish's outcome: 200 with its id, or the refusal.
    void answer_publish(publish_handler::outcome outcome);
    // A committed publish's 200, carrying its id.
    void send_ok(shm_ring::message_id id);
    void on_write(bool keep_alive, beast::error_code ec, std::size_t bytes);
    void do_discard_body();
    void on_discard_body(beast::error_code ec, std::size_t bytes);
    void do_close();

    [[nodiscard]] bool body_unread() const;
    [[nodiscard]] bool can_discard_body() const;
    [[nodiscard]] bool keep_alive_requested() const;
    [[nodiscard]] const http::request_header<>& head() const;
    void begin_request();
    void end_request();
    void fail(beast::error_code ec, std::string_view what) const;

    void answer_timeout(std::string_view what);
    void refuse(responses::response res, std::string_view why);
    [[nodiscard]] std::string peer() const;

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_;
    std::shared_ptr<shared_state> state_;
    connection_count::place connection_;
    // The deadline of the wait, head, body or answer under way.
    http_front::request_deadline deadline_;
    // The head is read with an empty body; a publish (or a body to discard)
    // continues into a string body parser made from it.
    std::optional<http::request_parser<http::empty_body>> head_parser_;
    std::optional<http::request_parser<http::string_body>> body_parser_;
    publish_plan publishing_;
    responses::response res_;
    std::string answer_bytes_;  // send_ok's answer while it is written
    bool in_request_ = false;
    bool counting_publish_ = false;  // the answer counts in hookbot_publishes_total
};

}  // namespace hookbot::acceptor
