#include "publish_handler.hpp"

#include <exception>
#include <string>

#include "github_envelope.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::acceptor {

publish_handler::publish_handler(shm_ring::bus& bus, worker_pool& workers)
    : writer_(bus), workers_(workers), counters_(bus.acceptor()) {}

responses::response publish_handler::publish(const publish_plan& plan,
                                             const boost::beast::http::fields& headers,
                                             std::string_view body) {
    std::string envelope;
    if (plan.github_envelope) {
        envelope = github_envelope(headers, body);
        body = envelope;
    }
    try {
        if (!writer_.append(plan.topic, body)) return responses::payload_too_large();
        counters_.published_bytes.fetch_add(body.size(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
        // A broken invariant in the bus; the client may retry later.
        log::error("append to topic \"", plan.topic, "\" failed: ", e.what());
        return responses::publish_unavailable();
    }
    workers_.ring_doorbells();
    return responses::ok();
}

}  // namespace hookbot::acceptor
