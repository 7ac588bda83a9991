#include "publish/github_routing.hpp"

#include <stdexcept>
#include <utility>

namespace hookbot::acceptor {

github_routing::github_routing(std::string secret) : secret_(std::move(secret)) {
    // R1: with an empty secret any message could be "signed".
    if (secret_.empty()) throw std::invalid_argument("the GitHub router needs a secret");
}

std::optional<github_router::routed> github_routing::examine(std::string_view topic,
                                                             std::string_view body) {
    if (!github_router::is_monitored_topic(topic)) return std::nullopt;
    github_router::decision outcome = github_router::route(body, secret_);
    counters_.count(outcome);
    if (auto* message = std::get_if<github_router::routed>(&outcome)) return std::move(*message);
    if (const auto* refused = std::get_if<github_router::rejected>(&outcome)) {
        log_.warning("GitHub router: rejected a message on \"", topic,
                     "\": ", github_router::describe(refused->reason), " (",
                     counters_.rejected_total(), " rejected so far)");
    } else {
        const auto reason = std::get<github_router::ignored>(outcome).reason;
        // Not an error: GitHub sends every event type a hook subscribes to.
        log_.info("GitHub router: ignored a message on \"", topic,
                  "\": ", github_router::describe(reason), " (", counters_.ignored_total(),
                  " ignored so far)");
    }
    return std::nullopt;
}

void github_routing::appended(const github_router::routed& message, bool committed) {
    if (committed) {
        ++counters_.published;
        return;
    }
    ++counters_.publish_failed;
    log_.warning("GitHub router: could not append the routed message to \"", message.topic, "\" (",
                 message.body.size(), " bytes; ", counters_.publish_failed, " failed so far)");
}

}  // namespace hookbot::acceptor
