#include "control/handed_subscriber.hpp"

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <utility>

#include "control/handed_connection.hpp"
#include "hookbot/posix/log_throttle.hpp"
#include "subscribers/websocket_subscriber.hpp"

namespace hookbot::fanout {
namespace beast = boost::beast;

namespace {

// One per process: the worker is single-threaded.
log::throttle handed_warnings(20, "handed subscriber warnings");

}  // namespace

void start_handed_subscriber(boost::asio::io_context& ioc, posix::unique_fd connection,
                             handoff::subscriber request, subscriptions& registry,
                             const subscriber_limits& limits) {
    beast::error_code ec;
    auto head = parse_request_head(request.request_head, ec);
    if (!head) {
        handed_warnings.warning("subscriber on \"", request.topic, "\": unreadable request head (",
                                ec.message(), "); closing it");
        return registry.withdraw_joining();
    }
    auto socket = adopt_tcp_socket(ioc, std::move(connection), ec);
    if (!socket) {
        handed_warnings.warning("subscriber on \"", request.topic,
                                "\": cannot adopt its connection (", ec.message(), "); closing it");
        return registry.withdraw_joining();
    }
    beast::tcp_stream stream(std::move(*socket));
    auto answer = request.format == handoff::delivery_format::event_stream
                      ? make_event_stream_answer(std::move(stream))
                      : make_upgrade_handshake(std::move(stream), std::move(*head));
    websocket_subscriber::start(std::move(answer), std::move(request.topic), request.recursive,
                                registry, limits, request.format, request.since);
}

}  // namespace hookbot::fanout
