#include "listen/message_handler.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include "hookbot/posix/log.hpp"

namespace hookbot::listen {
namespace {

std::string id_of(const client::watch_message& message) {
    return message.id ? *message.id : std::string("(no id)");
}

}  // namespace

boost::asio::awaitable<client::disposition> message_handler::on_event(
    const client::watch_event& event) {
    if (const auto* gap = std::get_if<client::gap_notice>(&event)) {
        log::warning("gap: the server cannot resume after message ", gap->since, " (", gap->reason,
                     "): messages published meanwhile may be lost; carrying on with "
                     "every message it still holds");
        if (!printer_.print(*gap)) {
            log::error("cannot write to stdout: ", std::strerror(errno), "; stopping");
            exit_status_ = 1;
            co_return client::disposition::unhandled;
        }
        co_return client::disposition::handled;
    }
    const auto& message = std::get<client::watch_message>(event);
    if (runner_) co_return co_await run_command(message);
    if (forward_) co_return co_await forward_->deliver(message);
    if (!printer_.print(message)) {
        log::error("cannot write message ", id_of(message), " to stdout: ", std::strerror(errno),
                   "; stopping");
        exit_status_ = 1;
        co_return client::disposition::unhandled;
    }
    co_return client::disposition::handled;
}

boost::asio::awaitable<client::disposition> message_handler::run_command(
    const client::watch_message& message) {
    const auto started = std::chrono::steady_clock::now();
    const command_result result = co_await runner_->run(message);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    const bool failed = result.what != command_result::outcome::exited || result.status != 0;
    log::line(failed ? log::level::warning : log::level::info, "command for message ",
              id_of(message), " on \"", message.topic, "\" ", result.describe(), " after ",
              took.count(), " ms");
    switch (result.what) {
        case command_result::outcome::interrupted:
            // Not handled: a restarted listener (--state) runs it again.
            co_return client::disposition::unhandled;
        case command_result::outcome::not_started:
            exit_status_ = 1;
            co_return client::disposition::unhandled;
        default:
            // A failed command is logged, not retried: the next message goes on.
            co_return client::disposition::handled;
    }
}

void message_handler::on_error(const client::watch_error& error) {
    switch (error.what) {
        case client::watch_error::kind::connection:
            log::warning(error.description, "; reconnecting in ", error.retry_in.count(), " ms");
            break;
        case client::watch_error::kind::bad_frame:
            log::warning(error.description);
            break;
        case client::watch_error::kind::state:
            log::error(error.description);
            break;
    }
}

}  // namespace hookbot::listen
