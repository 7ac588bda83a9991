#include "sessions/forwarded_requests.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "hookbot/handoff/sealed_body.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "http/head_checks.hpp"
#include "http/request_plan.hpp"
#include "ui/inspector_answer.hpp"

namespace hookbot::acceptor {
namespace {

namespace beast = boost::beast;
using head_parser = http::request_parser<http::empty_body>;

// The worker's serialisation of the head, parsed as http_session would have
// parsed it off the wire.
bool parse_head(const std::string& head, head_parser& parser, beast::error_code& ec) {
    std::size_t offset = 0;
    while (!parser.is_header_done() && offset < head.size()) {
        offset += parser.put(boost::asio::buffer(head.data() + offset, head.size() - offset), ec);
        if (ec) return false;
    }
    if (!parser.is_header_done()) ec = http::error::partial_message;
    return !ec;
}

// Lives until its answer is sent: a publish may wait for room in the bus.
class forwarded_answer : public std::enable_shared_from_this<forwarded_answer> {
  public:
    forwarded_answer(shared_state& state, handoff::forwarded_request request, forwarded_reply reply)
        : state_(state), request_(std::move(request)), reply_(std::move(reply)) {
        parser_.header_limit(state_.limits.max_header_bytes);
        // The body is not parsed here; its size is checked where one is wanted.
        parser_.body_limit(boost::none);
    }

    void answer(posix::unique_fd body_fd) {
        beast::error_code ec;
        const bool parsed = !request_.head_too_large && parse_head(request_.head, parser_, ec);
        if (!parsed || request_.malformed) {
            // As http_session: answered as the head asked if it was read, else as HTTP/1.1.
            head_read_ = parsed;
            const bool too_large = request_.head_too_large || ec == http::error::header_limit;
            return send_answer(respond(
                too_large ? responses::header_fields_too_large() : responses::malformed_request(),
                true));
        }
        const auto& head = parser_.get().base();
        const routing::decision route = routing::route(head.target(), state_.ui);
        counting_publish_ = is_publish_request(head, route);
        // The same limits as on the plain port (http_session::on_head).
        if (auto refused = check_head(head, route, state_.limits)) {
            return send_answer(respond(std::move(*refused), true));
        }
        auto plan = plan_request(head, route, state_.verifier);
        if (auto* answer = std::get_if<reply>(&plan)) {
            return send_answer(respond(std::move(answer->response), answer->close));
        }
        if (const auto* metrics = std::get_if<metrics_plan>(&plan)) {
            return send_answer(respond(state_.metrics.answer(*metrics, client_address()), false));
        }
        if (const auto* page = std::get_if<ui_plan>(&plan)) {
            return send_answer(respond(ui::answer_inspector(*page, head), false));
        }
        if (const auto* publish = std::get_if<publish_plan>(&plan)) {
            return publish_body(*publish, std::move(body_fd));
        }
        const auto& subscribe = std::get<subscribe_plan>(plan);
        // As http_session::hand_off: a handshake has no body, and frames sent
        // before the 101 would be lost.
        if (request_.body_bytes != 0 || request_.bytes_after_head) {
            return send_answer(
                respond(responses::websocket_refused(http::status::bad_request), true));
        }
        // The worker completes the handshake itself: handed off all the same.
        state_.counters.handoffs.fetch_add(1, std::memory_order_relaxed);
        send_answer(handoff::forwarded_subscribe{request_.id, subscribe.topic, subscribe.recursive,
                                                 subscribe.format, subscribe.since});
    }

  private:
    void publish_body(const publish_plan& plan, posix::unique_fd body_fd) {
        if (request_.body_too_large || request_.body_bytes > state_.limits.max_body_bytes) {
            return send_answer(respond(responses::payload_too_large(), true));
        }
        if (request_.body_in_memfd) {
            // Mapped, not copied: up to 25 MiB that go on into a blob.
            from_memfd_ = handoff::map_sealed_body(body_fd.get(), request_.body_bytes);
            if (!from_memfd_) {
                log::warning("forwarded request ", request_.id,
                             ": its body's memfd is not sealed or not ", request_.body_bytes,
                             " bytes long; answered 503");
                return send_answer(respond(responses::publish_unavailable(), true));
            }
        }
        const std::size_t body_bytes =
            from_memfd_ ? from_memfd_->bytes().size() : request_.body.size();
        // Committed once the workers have room for it, as on the plain port.
        bus_room::admit(
            state_.room, plan.topic.size(), body_bytes, [self = shared_from_this(), plan] {
                const std::string_view body =
                    self->from_memfd_ ? self->from_memfd_->bytes() : self->request_.body;
                self->state_.publisher.publish(
                    plan, self->parser_.get().base(), body,
                    [self](publish_handler::outcome outcome) {
                        auto* id = std::get_if<shm_ring::message_id>(&outcome);
                        self->send_answer(self->respond(
                            id ? responses::published(shm_ring::format_message_id(*id))
                               : std::move(std::get<responses::response>(outcome)),
                            false));
                    });
            });
    }

    void send_answer(handoff::message answer) { reply_(std::move(answer)); }

    // http_session::send's rules: the worker read the whole request unless
    // its body was too large.
    handoff::message respond(responses::response res, bool close) {
        if (counting_publish_) state_.counters.count_publish(res.result_int());
        const auto& head = parser_.get().base();
        const unsigned version = head_read_ ? head.version() : 11;
        const bool keep_alive = !close && head_read_ && parser_.get().keep_alive() &&
                                !state_.requests.draining() && !request_.body_too_large;
        responses::finish(res, version, keep_alive,
                          head_read_ && head.method() == http::verb::head);
        return handoff::forwarded_response{request_.id, !keep_alive, responses::serialise(res)};
    }

    // The TLS client's address as the worker saw it; nullopt if it sent none.
    [[nodiscard]] std::optional<boost::asio::ip::address> client_address() const {
        boost::system::error_code ec;
        const auto address = boost::asio::ip::make_address(request_.peer_address, ec);
        if (ec) return std::nullopt;
        return address;
    }

    shared_state& state_;
    const handoff::forwarded_request request_;
    forwarded_reply reply_;
    head_parser parser_;
    std::optional<handoff::mapped_sealed_body> from_memfd_;
    bool head_read_ = true;
    bool counting_publish_ = false;
};

}  // namespace

void answer_forwarded(shared_state& state, handoff::forwarded_request request,
                      posix::unique_fd body, forwarded_reply reply) {
    std::make_shared<forwarded_answer>(state, std::move(request), std::move(reply))
        ->answer(std::move(body));
}

}  // namespace hookbot::acceptor
