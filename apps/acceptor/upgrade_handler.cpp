#include "upgrade_handler.hpp"

#include <boost/beast/http/write.hpp>
#include <sstream>

#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor {

std::string serialise_head(const http::request_header<>& head) {
    std::ostringstream out;
    out << head;
    return out.str();
}

bool hand_off_subscriber(worker_pool& workers, const subscribe_plan& plan,
                         const http::request_header<>& head, int client) {
    const handoff::subscriber message{plan.topic, plan.recursive, serialise_head(head)};
    if (workers.hand_off(message, client)) return true;
    log::warning("no fanout worker could take a subscriber to \"", plan.topic, "\" (",
                 workers.ready_workers(), " ready): answered 503");
    return false;
}

}  // namespace hookbot::acceptor
