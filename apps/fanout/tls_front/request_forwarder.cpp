#include "tls_front/request_forwarder.hpp"

#include <boost/asio/post.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <exception>
#include <sstream>
#include <utility>
#include <variant>

#include "hookbot/handoff/sealed_body.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::fanout {
namespace http = boost::beast::http;

namespace {

std::uint64_t id_of(const handoff::message& answer) {
    if (const auto* r = std::get_if<handoff::forwarded_response>(&answer)) return r->id;
    if (const auto* s = std::get_if<handoff::forwarded_subscribe>(&answer)) return s->id;
    return 0;
}

}  // namespace

request_forwarder::request_forwarder(boost::asio::io_context& ioc, control_link& link,
                                     std::size_t max_in_flight)
    : ioc_(ioc), link_(link), max_in_flight_(max_in_flight) {}

handoff::forwarded_response request_forwarder::unavailable(std::uint64_t id) {
    // The acceptor's "no worker available" answer, byte for byte.
    http::response<http::string_body> res{http::status::service_unavailable, 11};
    res.set(http::field::server, "hookbot");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::retry_after, "1");
    res.body() = "Service Unavailable\n";
    res.keep_alive(false);
    res.prepare_payload();
    std::ostringstream out;
    out << res;
    return handoff::forwarded_response{id, true, out.str()};
}

void request_forwarder::forward(handoff::forwarded_request request, answer_handler on_answer) {
    const std::uint64_t id = next_id_++;
    request.id = id;
    if (!link_.up() || in_flight_.size() >= max_in_flight_) {
        return answer_later(std::move(on_answer), unavailable(id));
    }
    posix::unique_fd body_fd;
    if (request.body.size() > handoff::max_inline_body) {
        try {
            body_fd = handoff::seal_body(request.body);
        } catch (const std::exception& e) {
            log::error("forwarding a ", request.body.size(), "-byte body: ", e.what());
            return answer_later(std::move(on_answer), unavailable(id));
        }
        request.body_bytes = request.body.size();
        request.body.clear();
        request.body_in_memfd = true;
    } else {
        request.body_bytes = request.body.size();
    }
    in_flight_.emplace(id, std::move(on_answer));
    if (!link_.send(std::move(request), std::move(body_fd))) {
        auto handler = std::move(in_flight_.at(id));
        in_flight_.erase(id);
        answer_later(std::move(handler), unavailable(id));
    }
}

void request_forwarder::on_answer(handoff::message answer) {
    const auto found = in_flight_.find(id_of(answer));
    if (found == in_flight_.end()) {
        log::warning("the acceptor answered request ", id_of(answer),
                     ", which is not in flight; ignored");
        return;
    }
    auto handler = std::move(found->second);
    in_flight_.erase(found);
    handler(std::move(answer));
}

void request_forwarder::on_lost() {
    auto lost = std::move(in_flight_);
    in_flight_.clear();
    for (auto& [id, handler] : lost) answer_later(std::move(handler), unavailable(id));
}

void request_forwarder::answer_later(answer_handler on_answer, handoff::message answer) {
    boost::asio::post(ioc_, [on_answer = std::move(on_answer), answer = std::move(answer)] {
        on_answer(answer);
    });
}

}  // namespace hookbot::fanout
