#include "hookbot/client/retrying_watch.hpp"

#include <stdexcept>

#include "hookbot/client/resume_target.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::client {
namespace {

subscribed_topic topic_of(const server_url& url) {
    if (!url.websocket) {
        throw std::invalid_argument("a watch needs a ws:// or wss:// URL, not http(s)://");
    }
    auto topic = subscription_topic(url.target);
    if (!topic) {
        throw std::invalid_argument("\"" + url.target.substr(0, url.target.find('?')) +
                                    "\" is not a subscription path (/sub/TOPIC, "
                                    "/unsafe/sub/TOPIC or /TOPIC, in canonical form)");
    }
    return *topic;
}

}  // namespace

retrying_watch::retrying_watch(const net::any_io_executor& executor, server_url url,
                               header_list headers, net::ssl::context& tls, watch_options options)
    : user_target_(url.target),
      topic_(topic_of(url)),
      subscription_(executor, std::move(url), std::move(headers), tls, options.connection) {
    if (options.state_path) {
        state_.emplace(*options.state_path);
        last_id_ = state_->load();
    }
    if (options.since) last_id_ = options.since;
    subscription_.set_target(resume_target(user_target_, last_id_));
}

void retrying_watch::stop() {
    subscription_.stop();
}

net::awaitable<void> retrying_watch::run(message_stream on_message, error_stream on_error) {
    if (last_id_) log::info("resuming after message ", *last_id_);
    co_await subscription_.run(
        [&](received_frame frame) { return on_frame(std::move(frame), on_message, on_error); },
        [&](const subscription_error& error) {
            on_error(watch_error{watch_error::kind::connection, error.description, error.retry_in});
        });
}

net::awaitable<void> retrying_watch::on_frame(received_frame frame,
                                              const message_stream& on_message,
                                              const error_stream& on_error) {
    envelope parsed =
        frame.text ? parse_envelope(frame.payload)
                   : parse_binary_frame(std::move(frame.payload), topic_.topic, topic_.recursive);
    if (const auto* bad = std::get_if<malformed_envelope>(&parsed)) {
        on_error(watch_error{watch_error::kind::bad_frame,
                             std::string("skipped a ") + (frame.text ? "text" : "binary") +
                                 " frame that is not a message: " + bad->reason,
                             {}});
        co_return;
    }
    watch_event event = std::holds_alternative<gap_notice>(parsed)
                            ? watch_event{std::get<gap_notice>(std::move(parsed))}
                            : watch_event{std::get<watch_message>(std::move(parsed))};
    if (co_await on_message(event) == disposition::unhandled) {
        stop();
        co_return;
    }
    if (const auto* message = std::get_if<watch_message>(&event); message && message->id) {
        handled(*message->id, on_error);
    }
}

void retrying_watch::handled(const std::string& id, const error_stream& on_error) {
    last_id_ = id;
    subscription_.set_target(resume_target(user_target_, last_id_));
    if (!state_) return;
    if (const auto ec = state_->save(id)) {
        on_error(watch_error{watch_error::kind::state,
                             "cannot save message id " + id + " to " + state_->path() + ": " +
                                 ec.message() + " (a restart would resume from an older id)",
                             {}});
    }
}

}  // namespace hookbot::client
