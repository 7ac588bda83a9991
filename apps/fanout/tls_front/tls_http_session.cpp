#include "tls_front/tls_http_session.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <sstream>
#include <utility>
#include <variant>

#include "control/own_answers.hpp"
#include "hookbot/http_front/linger_close.hpp"
#include "hookbot/http_front/policy.hpp"
#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Timeouts are what a slowloris flood causes: at most 20 lines a minute.
log::throttle timeout_warnings(20, "request timeouts on the TLS port");
log::throttle connection_refusals(20, "connections refused on the TLS port");

}  // namespace

tls_http_session::tls_http_session(asio::ip::tcp::socket socket,
                                   std::shared_ptr<asio::ssl::context> context,
                                   tls_session_shared& shared, flush_queue& flushes)
    : context_(std::move(context)),
      stream_(std::move(socket), *context_),
      shared_(shared),
      deadline_(stream_.get_executor(),
                [this] {
                    beast::error_code ignored;
                    beast::get_lowest_layer(stream_).socket().cancel(ignored);
                }),
      answering_(flushes) {
    shared_.sessions.insert(this);
}

tls_http_session::~tls_http_session() {
    if (registered_) shared_.sessions.erase(this);
}

void tls_http_session::run() {
    // This one is counted already.
    if (shared_.sessions.size() > shared_.http.max_connections) {
        connection_refusals.warning(
            "closed a TLS connection at once: ", shared_.http.max_connections,
            " open already (--max-connections)");
        return abort();
    }
    beast::get_lowest_layer(stream_).expires_after(shared_.http.header_timeout);
    stream_.async_handshake(
        asio::ssl::stream_base::server,
        beast::bind_front_handler(&tls_http_session::on_handshake, shared_from_this()));
}

void tls_http_session::abort() {
    deadline_.cancel();
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
}

void tls_http_session::on_handshake(beast::error_code ec) {
    // Failed handshakes (old protocol versions, scanners) are routine.
    if (ec) return abort();
    do_read_head(shared_.http.header_timeout);
}

void tls_http_session::do_read_head(std::chrono::milliseconds timeout) {
    parser_.emplace();
    parser_->header_limit(shared_.http.max_header_bytes);
    parser_->body_limit(shared_.max_body_bytes);
    beast::get_lowest_layer(stream_).expires_never();
    deadline_.arm(timeout, *this);
    http::async_read_header(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&tls_http_session::on_read_head, shared_from_this()));
}

handoff::forwarded_request tls_http_session::request_with_head() const {
    handoff::forwarded_request request;
    std::ostringstream head;
    head << parser_->get().base();
    request.head = head.str();
    return request;
}

void tls_http_session::on_read_head(beast::error_code ec, std::size_t /*bytes*/) {
    if (deadline_.timed_out(ec)) {
        if (buffer_.size() == 0) return abort();  // not a byte of a request
        return answer_timeout("request head");
    }
    if (ec == http::error::header_limit) {
        handoff::forwarded_request request;
        request.head_too_large = true;
        return forward(std::move(request));
    }
    if (ec == http::error::body_limit) {
        // Beast checks a Content-Length against the body limit with the head.
        auto request = request_with_head();
        request.body_too_large = true;
        return forward(std::move(request));
    }
    if (http_front::is_parse_error(ec)) {
        handoff::forwarded_request request;
        request.malformed = true;
        return forward(std::move(request));
    }
    if (ec) return abort();  // EOF, timeout, reset: nothing to answer

    const auto& head = parser_->get();
    if (beast::websocket::is_upgrade(head)) {
        // Its answer decides; a body or early frames make it a 400 there.
        auto request = request_with_head();
        request.bytes_after_head = buffer_.size() != 0 || !parser_->is_done();
        return forward(std::move(request));
    }
    const auto length = parser_->content_length();
    if (length && *length > shared_.max_body_bytes) {
        auto request = request_with_head();
        request.body_too_large = true;
        return forward(std::move(request));
    }
    if (parser_->is_done()) return on_read_body({}, 0);
    // One deadline for the whole body: a client trickling bytes cannot keep
    // the connection.
    deadline_.arm(shared_.http.body_timeout, *this);
    if (!http_front::expects_continue(head)) return do_read_body();
    asio::async_write(
        stream_,
        asio::buffer(http_front::continue_response.data(), http_front::continue_response.size()),
        beast::bind_front_handler(&tls_http_session::on_continue_sent, shared_from_this()));
}

void tls_http_session::on_continue_sent(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return abort();
    do_read_body();
}

// One read at a time, under the body's deadline (on_read_head).
void tls_http_session::do_read_body() {
    http::async_read_some(
        stream_, buffer_, *parser_,
        beast::bind_front_handler(&tls_http_session::on_read_body, shared_from_this()));
}

void tls_http_session::on_read_body(beast::error_code ec, std::size_t /*bytes*/) {
    if (deadline_.timed_out(ec)) return answer_timeout("request body");
    if (ec == http::error::body_limit) {
        auto request = request_with_head();
        request.body_too_large = true;
        return forward(std::move(request));
    }
    if (http_front::is_parse_error(ec)) {
        auto request = request_with_head();
        request.malformed = true;
        return forward(std::move(request));
    }
    if (ec) return abort();
    if (!parser_->is_done()) return do_read_body();
    auto request = request_with_head();
    request.body = std::move(parser_->get().body());
    forward(std::move(request));
}

void tls_http_session::forward(handoff::forwarded_request request) {
    // The acceptor answers at once; the client waits for it, unbounded by
    // the socket's deadline.
    beast::get_lowest_layer(stream_).expires_never();
    deadline_.disarm();
    // The acceptor sees only this worker: tell it who the client is.
    if (const auto peer = http_front::peer_address(beast::get_lowest_layer(stream_).socket())) {
        request.peer_address = peer->to_string();
    }
    shared_.forwarder.forward(std::move(request),
                              [self = shared_from_this()](handoff::message answer) {
                                  self->on_answer(std::move(answer));
                              });
}

void tls_http_session::on_answer(handoff::message answer) {
    deadline_.disarm();
    if (const auto* subscribe_to = std::get_if<handoff::forwarded_subscribe>(&answer)) {
        return subscribe(*subscribe_to);
    }
    auto& response = std::get<handoff::forwarded_response>(answer);
    response_ = std::move(response.bytes);
    beast::get_lowest_layer(stream_).expires_after(shared_.http.header_timeout);
    asio::async_write(
        stream_, asio::buffer(response_),
        beast::bind_front_handler(&tls_http_session::on_write, shared_from_this(), response.close));
}

void tls_http_session::on_write(bool close, beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return abort();
    response_.clear();
    if (close) return do_close();
    do_read_head(shared_.http.idle_timeout);
}

void tls_http_session::subscribe(const handoff::forwarded_subscribe& answer) {
    if (shared_.registry.size() >= shared_.max_subscribers) {
        log_full_refusal(shared_.registry.size());
        return on_answer(handoff::forwarded_response{answer.id, true, capacity_refusal()});
    }
    shared_.before_subscribe();
    shared_.sessions.erase(this);  // a subscriber now: the registry closes it on stop
    registered_ = false;
    beast::get_lowest_layer(stream_).expires_never();
    auto handshake =
        answer.format == handoff::delivery_format::event_stream
            ? make_event_stream_answer(std::move(stream_))
            : make_upgrade_handshake(std::move(stream_),
                                     upgrade_request(std::move(parser_->get().base())));
    websocket_subscriber::start(std::move(handshake), answer.topic, answer.recursive,
                                shared_.registry, shared_.limits, answer.format, answer.since);
}

// close_notify, then the lingering close of every front end.
void tls_http_session::do_close() {
    beast::get_lowest_layer(stream_).expires_after(http_front::linger_time);
    stream_.async_shutdown(
        beast::bind_front_handler(&tls_http_session::on_shutdown, shared_from_this()));
}

void tls_http_session::on_shutdown(beast::error_code /*ec*/) {
    http_front::linger_close(beast::get_lowest_layer(stream_), buffer_, shared_from_this());
}

}  // namespace hookbot::fanout

namespace hookbot::fanout {

void tls_http_session::answer_timeout(const char* what) {
    timeout_warnings.warning("TLS client ",
                             http_front::describe_peer(beast::get_lowest_layer(stream_).socket()),
                             ": 408 Request Timeout: ", what, " not complete in time");
    on_answer(handoff::forwarded_response{0, true, request_timeout_answer()});
}

}  // namespace hookbot::fanout
