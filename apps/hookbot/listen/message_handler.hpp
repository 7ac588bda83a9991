#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>

#include "hookbot/client/retrying_watch.hpp"
#include "listen/command_runner.hpp"
#include "listen/forwarder.hpp"
#include "listen/message_printer.hpp"

namespace hookbot::listen {

// What `hookbot listen` does with each message of its watch: print it, run
// the --exec command on it, or --forward it, and say whether it was handled;
// and how it reports the watch's errors.
class message_handler {
  public:
    // With a runner, messages go to it; with a forwarder, to that; otherwise
    // to the printer.
    message_handler(message_printer printer, std::optional<command_runner>& runner,
                    std::optional<forwarder>& forward)
        : printer_(printer), runner_(runner), forward_(forward) {}

    boost::asio::awaitable<client::disposition> on_event(const client::watch_event& event);
    void on_error(const client::watch_error& error);

    // 0 after a stop by signal; 1 when it stopped because it could not go on
    // (stdout closed, the command could not start).
    [[nodiscard]] int exit_status() const noexcept { return exit_status_; }

  private:
    boost::asio::awaitable<client::disposition> run_command(const client::watch_message& message);

    message_printer printer_;
    std::optional<command_runner>& runner_;
    std::optional<forwarder>& forward_;
    int exit_status_ = 0;
};

}  // namespace hookbot::listen
