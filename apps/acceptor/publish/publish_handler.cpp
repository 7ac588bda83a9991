#include "publish/publish_handler.hpp"

#include <exception>
#include <string>

#include "hookbot/posix/log.hpp"
#include "hookbot/request_metadata/record_body.hpp"
#include "publish/github_envelope.hpp"
#include "publish/original_request.hpp"

namespace hookbot::acceptor {

publish_handler::publish_handler(shm_ring::bus& bus, worker_pool& workers, github_routing* github)
    : writer_(bus),
      workers_(workers),
      github_(github),
      counters_(bus.acceptor()),
      epoch_(bus.epoch()) {}

void publish_handler::publish(const publish_plan& plan,
                              const boost::beast::http::request_header<>& head,
                              std::string_view body, done_handler done) {
    switch (plan.extra) {
        case extra_metadata::none:
            return store(plan, body, 0, body, std::move(done));
        case extra_metadata::github: {
            const std::string envelope = github_envelope(head, body);
            return store(plan, envelope, 0, envelope, std::move(done));
        }
        case extra_metadata::request: {
            auto kept = keep_original_request(head, plan.query);
            if (auto* refused = std::get_if<responses::response>(&kept)) {
                return done(std::move(*refused));
            }
            // The body's subscribers get is `body`; the record carries the
            // request before it (hookbot/request_metadata/record_body.hpp).
            return store(plan,
                         request_metadata::join_record_body(std::get<std::string>(kept), body),
                         request_metadata::record_flag_request, body, std::move(done));
        }
    }
    done(responses::publish_unavailable());
}

void publish_handler::store(const publish_plan& plan, std::string_view stored, std::uint32_t flags,
                            std::string_view body, done_handler done) {
    if (!stream_) return done(append(plan, stored, flags, body));
    // The routed message is worked out now, while `body` is there, and
    // published once the original is stored.
    std::optional<github_router::routed> routed;
    if (github_ != nullptr) routed = github_->examine(plan.topic, body);
    stream_(plan.topic, stored, flags,
            [this, done = std::move(done), routed = std::move(routed)](outcome result) {
                if (routed && std::holds_alternative<shm_ring::message_id>(result)) {
                    publish_routed(*routed);
                }
                done(std::move(result));
            });
}

void publish_handler::publish_routed(const github_router::routed& routed) {
    stream_(routed.topic, routed.body, 0, [this, routed](const outcome& result) {
        github_->appended(routed, std::holds_alternative<shm_ring::message_id>(result));
    });
}

// Commits `stored` (with `flags`) as one record.
publish_handler::outcome publish_handler::append(const publish_plan& plan, std::string_view stored,
                                                 std::uint32_t flags, std::string_view body) {
    std::optional<shm_ring::bus_writer::appended> appended;
    try {
        appended = writer_.append(plan.topic, stored, flags);
        if (!appended) return responses::payload_too_large();
        counters_.published_bytes.fetch_add(stored.size(), std::memory_order_relaxed);
    } catch (const std::exception& e) {
        // A broken invariant in the bus; the client may retry later.
        log::error("append to topic \"", plan.topic, "\" failed: ", e.what());
        return responses::publish_unavailable();
    }
    if (github_ != nullptr) route_github(plan.topic, body);
    workers_.ring_doorbells();
    return shm_ring::message_id{epoch_, appended->bus_seq};
}

bool publish_handler::append_at(std::uint64_t seq, std::string_view topic, std::string_view stored,
                                std::uint32_t flags) {
    try {
        if (!writer_.append_at(seq, topic, stored, flags)) return false;
    } catch (const std::exception& e) {
        log::error("append of stream sequence ", seq, " to topic \"", topic,
                   "\" failed: ", e.what());
        return false;
    }
    counters_.published_bytes.fetch_add(stored.size(), std::memory_order_relaxed);
    workers_.ring_doorbells();
    return true;
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
