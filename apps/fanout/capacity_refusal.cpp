#include "capacity_refusal.hpp"

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

std::string capacity_refusal() {
    http::response<http::string_body> res{http::status::service_unavailable, 11};
    res.set(http::field::server, "hookbot");
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set("X-Content-Type-Options", "nosniff");
    res.set(http::field::retry_after, "1");
    res.keep_alive(false);
    res.body() = "Service Unavailable\n";
    res.prepare_payload();
    std::ostringstream out;
    out << res;
    return out.str();
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
