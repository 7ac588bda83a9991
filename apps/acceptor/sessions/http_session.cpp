#include "sessions/http_session.hpp"

#include <algorithm>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "hookbot/http_front/linger_close.hpp"
#include "hookbot/http_front/policy.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/posix/log_throttle.hpp"
#include "http/head_checks.hpp"
#include "ui/inspector_answer.hpp"
#include "workers/upgrade_handler.hpp"

namespace hookbot::acceptor {
namespace {

namespace net = boost::asio;
using http_front::expects_continue;
using http_front::is_parse_error;
using http_front::printable;

// Read-buffer capacity while a request is read (grown on demand beyond it).
constexpr std::size_t read_buffer_bytes = 8 * 1024;

// Refused requests and timeouts are what a flood or a scanner causes: at most
// this many log lines a minute (one per process: the acceptor has one thread).
log::throttle client_warnings(20, "warnings about clients");

std::string_view received_bytes(const beast::flat_buffer& buffer) {
    const auto data = buffer.data();
    return {static_cast<const char*>(data.data()), data.size()};
}

}  // namespace

http_session::http_session(tcp::socket&& socket, std::shared_ptr<shared_state> state)
    : stream_(std::move(socket)),
      state_(std::move(state)),
      connection_(state_->connections),
      deadline_(stream_.get_executor(), [this] {
          beast::error_code ignored;
          stream_.socket().cancel(ignored);
      }) {}

http_session::~http_session() {
    end_request();
}

void http_session::run() {
    // For on_request_ready's read: a synchronous read on a socket left
    // "blocking" would wait in poll(), stalling every connection.
    beast::error_code ec;
    stream_.socket().non_blocking(true, ec);
    if (ec) return fail(ec, "make the connection non-blocking");
    if (state_->connections.open() > state_->limits.max_connections) {
        head_parser_.emplace();  // nothing read: the answer is HTTP/1.1
        return refuse(responses::too_many_connections(),
                      "already " + std::to_string(state_->limits.max_connections) +
                          " connections open (--max-connections)");
    }
    do_read_head();
}

// A keep-alive connection waits up to the idle timeout for its next
// request, and the head then has the header timeout from its first byte. It
// waits holding no read buffer, which up to --max-connections idle
// publishers each held (8 KiB reserved; the acceptor's VmRSS per idle
// connection went from 6.8 to 2.6 KiB). The buffer is taken when bytes come,
// and one recv then usually brings the whole head and a typical publish body.
void http_session::do_wait_request() {
    if (buffer_.size() != 0) return do_read_head();  // pipelined: it has begun
    start_head();
    buffer_.shrink_to_fit();  // empty: frees it
    deadline_.arm(state_->limits.idle_timeout, *this);
    // The socket itself, not the stream: this wait has our deadline, not
    // the stream's per-operation timer.
    stream_.socket().async_wait(
        tcp::socket::wait_read,
        beast::bind_front_handler(&http_session::on_request_ready, shared_from_this()));
}

void http_session::on_request_ready(beast::error_code ec) {
    if (ec) return do_close();  // idle too long: nothing to answer
    buffer_.reserve(read_buffer_bytes);
    // Non-blocking (run()): readiness can be spurious, and then it waits again.
    const std::size_t bytes = stream_.socket().read_some(buffer_.prepare(buffer_.capacity()), ec);
    if (ec == net::error::would_block) return do_wait_request();
    on_request_start(ec, bytes);
}

void http_session::on_request_start(beast::error_code ec, std::size_t bytes) {
    if (ec) return do_close();  // closed: nothing to answer
    buffer_.commit(bytes);
    // What Beast's read does with a read's bytes: the parser takes what it
    // can; the rest of a head comes by the usual read, under the header
    // timeout from this first byte.
    const std::size_t used = head_parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec == http::error::need_more) {
        deadline_.arm(state_->limits.header_timeout, *this);
        return continue_read_head();
    }
    on_read_head(ec, used);
}

void http_session::start_head() {
    body_parser_.reset();
    head_parser_.emplace();
    counting_publish_ = false;
    head_parser_->header_limit(state_->limits.max_header_bytes);
    // Body sizes are checked where a body is wanted (start_publish).
    head_parser_->body_limit(boost::none);
}

void http_session::do_read_head() {
    start_head();
    // Beast reads at most the buffer's free capacity (512 bytes at first):
    // room for a whole typical publish lets one recv take head and body,
    // instead of three reads and as many trips through the event loop.
    if (buffer_.capacity() < read_buffer_bytes) buffer_.reserve(read_buffer_bytes);
    deadline_.arm(state_->limits.header_timeout, *this);
    continue_read_head();
}

void http_session::continue_read_head() {
    stream_.expires_never();
    http::async_read_header(
        stream_, buffer_, *head_parser_,
        beast::bind_front_handler(&http_session::on_read_head, shared_from_this()));
}

void http_session::on_read_head(beast::error_code ec, std::size_t /*bytes*/) {
    if (deadline_.timed_out(ec)) {
        if (buffer_.size() == 0) return do_close();  // not a byte of a request
        return answer_timeout("request head");
    }
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::header_limit) {
        const std::string_view target = head_parser_->get().target();
        return refuse(oversized_head(target, received_bytes(buffer_), state_->limits),
                      "request head over " + std::to_string(state_->limits.max_header_bytes) +
                          " bytes (--max-header-bytes): " +
                          printable(target.empty() ? received_bytes(buffer_) : target));
    }
    if (is_parse_error(ec)) {
        return refuse(responses::malformed_request(),
                      "not HTTP (" + ec.message() + "): " + printable(received_bytes(buffer_)));
    }
    if (ec) return fail(ec, "read request head");
    deadline_.disarm();
    on_head();
}

void http_session::on_head() {
    const auto& request = head();
    const routing::decision route = routing::route(request.target(), state_->ui);
    counting_publish_ = is_publish_request(request, route);
    if (auto refused = check_head(request, route, state_->limits)) {
        return refuse(std::move(*refused), printable(request.method_string()) + " " +
                                               printable(request.target()) + " (" +
                                               std::to_string(request.target().size()) + " bytes)");
    }
    begin_request();
    auto plan = plan_request(request, route, state_->verifier);
    if (auto* answer = std::get_if<reply>(&plan)) {
        send(std::move(answer->response), answer->close);
    } else if (auto* publish = std::get_if<publish_plan>(&plan)) {
        start_publish(std::move(*publish));
    } else if (const auto* metrics = std::get_if<metrics_plan>(&plan)) {
        answer_metrics(*metrics);
    } else if (const auto* page = std::get_if<ui_plan>(&plan)) {
        send(ui::answer_inspector(*page, request));
    } else {
        hand_off(std::get<subscribe_plan>(plan));
    }
}

void http_session::answer_metrics(const metrics_plan& plan) {
    send(state_->metrics.answer(plan, http_front::peer_address(stream_.socket())));
}

void http_session::start_publish(publish_plan plan) {
    const auto length = head_parser_->content_length();
    if (length && *length > state_->limits.max_body_bytes) {
        return refuse(responses::payload_too_large(),
                      "Content-Length " + std::to_string(*length) + " over " +
                          std::to_string(state_->limits.max_body_bytes) + " (--max-body)");
    }
    deadline_.arm(state_->limits.body_timeout, *this);  // the whole body, from here
    publishing_ = std::move(plan);
    body_parser_.emplace(std::move(*head_parser_));
    head_parser_.reset();
    body_parser_->body_limit(state_->limits.max_body_bytes);
    if (body_parser_->is_done()) return on_read_body({}, 0);
    if (!expects_continue(head())) return do_read_body();
    net::async_write(
        stream_,
        net::buffer(http_front::continue_response.data(), http_front::continue_response.size()),
        beast::bind_front_handler(&http_session::on_continue_sent, shared_from_this()));
}

void http_session::on_continue_sent(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return fail(ec, "write 100 Continue");
    do_read_body();
}

// One read at a time, under the body's deadline (start_publish). What the
// buffer already holds (a typical publish comes in one recv with its head)
// is parsed here first, as Beast's read would, without a trip through the
// event loop.
void http_session::do_read_body() {
    while (buffer_.size() != 0) {
        beast::error_code ec;
        const std::size_t used = body_parser_->put(buffer_.data(), ec);
        buffer_.consume(used);
        if (ec == http::error::need_more || (!ec && used == 0)) break;
        if (ec || body_parser_->is_done()) return on_read_body(ec, used);
    }
    http::async_read_some(
        stream_, buffer_, *body_parser_,
        beast::bind_front_handler(&http_session::on_read_body, shared_from_this()));
}

void http_session::on_read_body(beast::error_code ec, std::size_t /*bytes*/) {
    if (deadline_.timed_out(ec)) return answer_timeout("request body");
    if (ec == http::error::body_limit) {
        return refuse(responses::payload_too_large(),
                      "chunked body over " + std::to_string(state_->limits.max_body_bytes) +
                          " bytes (--max-body)");
    }
    if (is_parse_error(ec)) {
        return refuse(responses::malformed_request(),
                      "bad body (" + ec.message() + ") for " + printable(head().target()));
    }
    if (ec) return fail(ec, "read request body");
    if (!body_parser_->is_done()) return do_read_body();
    // Committed once the workers have room for it (flow control); in cluster
    // mode once the stream has stored it (no room: the bus is written by
    // what comes back from the stream).
    bus_room::admit(state_->room, publishing_.topic.size(), body_parser_->get().body().size(),
                    [self = shared_from_this()] {
                        auto& request = self->body_parser_->get();
                        // Up to 25 MiB: not kept for the life of a keep-alive
                        // connection, nor past publish(), which copies what it keeps.
                        const std::string body = std::move(request.body());
                        publish_handler& publisher = self->state_->publisher;
                        if (publisher.answers_later()) {
                            publisher.publish(self->publishing_, request.base(), body,
                                              [self](publish_handler::outcome outcome) {
                                                  self->answer_publish(std::move(outcome));
                                              });
                            return;
                        }
                        // Answered before publish() returns, while `self` holds
                        // the session: a plain pointer keeps the handler inside
                        // std::function, without an allocation per publish.
                        publisher.publish(self->publishing_, request.base(), body,
                                          [session = self.get()](publish_handler::outcome outcome) {
                                              session->answer_publish(std::move(outcome));
                                          });
                    });
}

void http_session::answer_publish(publish_handler::outcome outcome) {
    if (const auto* id = std::get_if<shm_ring::message_id>(&outcome)) return send_ok(*id);
    send(std::move(std::get<responses::response>(outcome)));
}

// A committed publish: the pre-built bytes when the answer is the common
// HTTP/1.1 keep-alive one, else (HTTP/1.0, Connection: close, draining) the
// general path.
void http_session::send_ok(shm_ring::message_id id) {
    const std::string id_text = shm_ring::format_message_id(id);
    const auto& request = head();
    if (request.version() != 11 || !keep_alive_requested() || state_->requests.draining() ||
        body_unread()) {
        return send(responses::published(id_text));
    }
    if (counting_publish_) {
        counting_publish_ = false;
        state_->counters.count_publish(200);
    }
    responses::published_keep_alive_bytes(id_text, answer_bytes_);
    const std::string_view bytes = answer_bytes_;
    // Written to the socket under the session's deadline: the stream's own
    // timeout would arm and cancel a timer for every answer.
    deadline_.arm(state_->limits.header_timeout, *this);
    net::async_write(stream_.socket(), net::buffer(bytes.data(), bytes.size()),
                     beast::bind_front_handler(&http_session::on_write, shared_from_this(), true));
}

void http_session::hand_off(const subscribe_plan& plan) {
    // A handshake has no body, and a client must not send frames before its
    // 101: bytes already read here would be lost to the worker.
    if (!head_parser_->is_done() || buffer_.size() != 0) {
        return send(responses::websocket_refused(http::status::bad_request), true);
    }
    auto& socket = stream_.socket();
    if (!hand_off_subscriber(state_->workers, plan, head(), socket.native_handle())) {
        state_->counters.handoffs_failed.fetch_add(1, std::memory_order_relaxed);
        return send(responses::no_worker_available());
    }
    state_->counters.handoffs.fetch_add(1, std::memory_order_relaxed);
    // The worker owns the connection now. Close only this descriptor: a
    // shutdown would end the worker's copy too.
    stream_.expires_never();
    deadline_.disarm();
    end_request();
    beast::error_code ignored;
    socket.close(ignored);
}

void http_session::send(responses::response res, bool close) {
    deadline_.disarm();
    const bool head_done = head_parser_ ? head_parser_->is_header_done() : true;
    // Refused heads may name any version (an HTTP/2 preface says 2.0).
    const bool http1 = head_done && (head().version() == 10 || head().version() == 11);
    const unsigned version = http1 ? head().version() : 11;
    const bool keep_alive = !close && http1 && keep_alive_requested() &&
                            !state_->requests.draining() && (!body_unread() || can_discard_body());
    res_ = std::move(res);
    if (counting_publish_) {
        counting_publish_ = false;
        state_->counters.count_publish(res_.result_int());
    }
    responses::finish(res_, version, keep_alive, head_done && head().method() == http::verb::head);
    stream_.expires_after(state_->limits.header_timeout);
    http::async_write(
        stream_, res_,
        beast::bind_front_handler(&http_session::on_write, shared_from_this(), keep_alive));
}

void http_session::on_write(bool keep_alive, beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return fail(ec, "write response");
    end_request();
    if (!keep_alive) return do_close();
    if (body_unread()) return do_discard_body();
    do_wait_request();
}

// The body of a request answered without it, small enough to read and drop
// so that the connection can carry the next request.
void http_session::do_discard_body() {
    body_parser_.emplace(std::move(*head_parser_));
    head_parser_.reset();
    body_parser_->body_limit(state_->limits.discard_body_bytes);
    stream_.expires_after(state_->limits.body_timeout);
    http::async_read(stream_, buffer_, *body_parser_,
                     beast::bind_front_handler(&http_session::on_discard_body, shared_from_this()));
}

void http_session::on_discard_body(beast::error_code ec, std::size_t /*bytes*/) {
    if (ec) return do_close();
    stream_.expires_never();
    do_wait_request();
}

void http_session::do_close() {
    http_front::linger_close(stream_, buffer_, shared_from_this(),
                             std::min<std::chrono::milliseconds>(http_front::linger_time,
                                                                 state_->limits.header_timeout));
}

bool http_session::body_unread() const {
    if (body_parser_) return !body_parser_->is_done();
    return head_parser_ && head_parser_->is_header_done() && !head_parser_->is_done();
}

bool http_session::can_discard_body() const {
    if (body_parser_ || !head_parser_) return false;
    const auto length = head_parser_->content_length();
    return length && *length <= state_->limits.discard_body_bytes && !expects_continue(head());
}

bool http_session::keep_alive_requested() const {
    return body_parser_ ? body_parser_->get().keep_alive() : head_parser_->get().keep_alive();
}

const http::request_header<>& http_session::head() const {
    return body_parser_ ? body_parser_->get().base() : head_parser_->get().base();
}

void http_session::begin_request() {
    if (in_request_) return;
    in_request_ = true;
    state_->requests.begin();
}

void http_session::end_request() {
    if (!in_request_) return;
    in_request_ = false;
    state_->requests.end();
}

// Routine client failures are worth no log line; anything else is, at
// debug level.
void http_session::fail(beast::error_code ec, std::string_view what) const {
    if (http_front::is_routine_error(ec)) return;
    log::line(log::level::debug, what, ": ", ec.message());
}

}  // namespace hookbot::acceptor

namespace hookbot::acceptor {

void http_session::answer_timeout(std::string_view what) {
    const auto limit =
        what == "request body" ? state_->limits.body_timeout : state_->limits.header_timeout;
    refuse(responses::request_timeout(), std::string(what) + " not complete after " +
                                             std::to_string(limit.count()) + " ms (" +
                                             std::to_string(buffer_.size()) + " bytes unread)");
}

// Answers a request the server will not serve, and says why in the log.
void http_session::refuse(responses::response res, std::string_view why) {
    client_warnings.warning("client ", peer(), ": ", res.result_int(), " ", res.reason(), ": ",
                            why);
    begin_request();
    send(std::move(res), true);
}

std::string http_session::peer() const {
    return http_front::describe_peer(stream_.socket());
}

}  // namespace hookbot::acceptor
