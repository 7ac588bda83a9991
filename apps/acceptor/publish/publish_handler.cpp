#include "publish/publish_handler.hpp"

#include <exception>
#include <string>

#include "hookbot/posix/log.hpp"
#include "publish/github_envelope.hpp"

namespace hookbot::acceptor {

publish_handler::publish_handler(shm_ring::bus& bus, worker_pool& workers, github_routing* github)
    : writer_(bus),
      workers_(workers),
      github_(github),
      counters_(bus.acceptor()),
      epoch_(bus.epoch()) {}

publish_handler::outcome publish_handler::publish(const publish_plan& plan,
                                                  const boost::beast::http::fields& headers,
                                                  std::string_view body) {
    std::string envelope;
    if (plan.github_envelope) {
        envelope = github_envelope(headers, body);
        body = envelope;
    }
    std::optional<shm_ring::bus_writer::appended> appended;
    try {
        appended = writer_.append(plan.topic, body);
        if (!appended) return responses::payload_too_large();
        counters_.published_bytes.fetch_add(body.size(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
        // A broken invariant in the bus; the client may retry later.
        log::error("append to topic \"", plan.topic, "\" failed: ", e.what());
        return responses::publish_unavailable();
    }
    if (github_ != nullptr) route_github(plan.topic, body);
    workers_.ring_doorbells();
    return shm_ring::message_id{epoch_, appended->bus_seq};
}

void publish_handler::route_github(std::string_view topic, std::string_view body) {
    const auto routed = github_->examine(topic, body);
    if (!routed) return;
    bool committed = false;
    try {
        committed = writer_.append(routed->topic, routed->body).has_value();
    } catch (const std::exception& e) {
        log::error("append of the routed message to topic \"", routed->topic,
                   "\" failed: ", e.what());
    }
    github_->appended(*routed, committed);
}

}  // namespace hookbot::acceptor
