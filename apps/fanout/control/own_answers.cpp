#include "control/own_answers.hpp"

#include <sys/socket.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <sstream>

#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::fanout {
namespace http = boost::beast::http;
namespace {

log::throttle full_refusals(20, "refusals at --max-subscribers");

}  // namespace

namespace {

// As the acceptor's error answers: text, nosniff, and the connection closes.
http::response<http::string_body> closing_error(http::status status, std::string body) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::server, "hookbot");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set("X-Content-Type-Options", "nosniff");
    res.keep_alive(false);
    res.body() = std::move(body);
    return res;
}

std::string serialise(http::response<http::string_body>& res) {
    res.prepare_payload();
    std::ostringstream out;
    out << res;
    return out.str();
}

}  // namespace

std::string capacity_refusal() {
    auto res = closing_error(http::status::service_unavailable, "Service Unavailable\n");
    res.set(http::field::retry_after, "1");
    return serialise(res);
}

std::string request_timeout_answer() {
    auto res = closing_error(http::status::request_timeout, "408 Request Timeout\n");
    return serialise(res);
}

void refuse_handed_connection(posix::unique_fd connection) {
    static const std::string answer = capacity_refusal();
    // A short or failed write only costs the client the reason for the close.
    static_cast<void>(
        ::send(connection.get(), answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL));
    ::shutdown(connection.get(), SHUT_WR);
}

}  // namespace hookbot::fanout

namespace hookbot::fanout {

void log_full_refusal(std::size_t subscribers) {
    full_refusals.warning("refused a subscriber with 503: ", subscribers,
                          " connected already (--max-subscribers)");
}

}  // namespace hookbot::fanout
