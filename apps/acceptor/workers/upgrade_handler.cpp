#include "workers/upgrade_handler.hpp"

#include <boost/beast/http/write.hpp>
#include <sstream>

#include "hookbot/posix/log_throttle.hpp"

namespace hookbot::acceptor {
namespace {

// When every worker is full each new subscriber is refused: a log line for
// each would flood the journal.
log::throttle refusal_warnings(20, "subscriber refusals");

}  // namespace

std::string serialise_head(const http::request_header<>& head) {
    std::ostringstream out;
    out << head;
    return out.str();
}

bool hand_off_subscriber(worker_pool& workers, const subscribe_plan& plan,
                         const http::request_header<>& head, int client) {
    const handoff::subscriber message{plan.topic, plan.recursive, serialise_head(head), plan.format,
                                      plan.since};
    if (workers.hand_off(message, client)) return true;
    refusal_warnings.warning("no fanout worker could take a subscriber to \"", plan.topic, "\" (",
                             workers.ready_workers(),
                             " ready; each full or at --max-subscribers): answered 503");
    return false;
}

}  // namespace hookbot::acceptor
