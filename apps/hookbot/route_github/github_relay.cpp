#include "route_github/github_relay.hpp"

#include "hookbot/auth/base64.hpp"
#include "hookbot/client/http_post.hpp"
#include "hookbot/github_router/route.hpp"
#include "hookbot/posix/log.hpp"
#include "hookbot/routing/route.hpp"

namespace hookbot::route_github {

namespace {
constexpr std::chrono::seconds publish_timeout{10};
}  // namespace

github_relay::github_relay(config settings, boost::asio::ssl::context& tls)
    : config_(std::move(settings)), tls_(tls) {}

boost::asio::awaitable<void> github_relay::on_message(std::string message) {
    // P7: a recursive subscription frames each message with its topic.
    std::string_view topic = "(the subscribed topic)";
    std::string_view body = message;
    if (const auto nul = body.find('\0'); nul != std::string_view::npos) {
        topic = body.substr(0, nul);
        body.remove_prefix(nul + 1);
    }
    github_router::decision outcome = github_router::route(body, config_.github_secret);
    counters_.count(outcome);
    if (const auto* routed = std::get_if<github_router::routed>(&outcome)) {
        co_await publish(*routed);
    } else if (const auto* refused = std::get_if<github_router::rejected>(&outcome)) {
        log_.warning("rejected a message on \"", topic,
                     "\": ", github_router::describe(refused->reason), " (",
                     counters_.rejected_total(), " rejected so far)");
    } else {
        log_.info("ignored a message on \"", topic,
                  "\": ", github_router::describe(std::get<github_router::ignored>(outcome).reason),
                  " (", counters_.ignored_total(), " ignored so far)");
    }
}

boost::asio::awaitable<void> github_relay::publish(const github_router::routed& message) {
    // T1/T3: a token for the publish path itself, presented as the
    // original's client does (Basic, the token as user name).
    const std::string path = "/pub/" + message.topic;
    const std::string token = auth::make_token(config_.key, path, config_.token_hash);
    const client::header_list headers{
        {"Authorization", "Basic " + auth::base64_encode(token + ":")}};
    const client::http_answer answer =
        co_await client::http_post(config_.server, routing::percent_encode_path(path), headers,
                                   message.body, tls_, publish_timeout);
    if (!answer.error && answer.status == 200) {
        ++counters_.published;
        log::info("routed a push to \"", message.topic, "\"");
        co_return;
    }
    ++counters_.publish_failed;
    log_.warning("publishing to \"", message.topic, "\" on ", config_.server.authority(),
                 " failed: ",
                 answer.error ? answer.error.message() : "status " + std::to_string(answer.status),
                 " (", counters_.publish_failed, " failed so far)");
}

}  // namespace hookbot::route_github
