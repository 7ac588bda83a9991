#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <string>

#include "hookbot/client/envelope.hpp"

namespace hookbot::listen {

// How one run of the --exec command ended.
struct command_result {
    enum class outcome {
        exited,       // status: its exit status
        signalled,    // status: the signal that ended it
        timed_out,    // ran past the timeout: its process group was terminated
        interrupted,  // the listener is stopping: its process group was terminated
        not_started,  // status: errno of the failed step
    };
    outcome what = outcome::exited;
    int status = 0;

    // "exited with status 0", "timed out after 60 s", … for the log.
    [[nodiscard]] std::string describe() const;
};

// Runs `/bin/sh -c COMMAND` for one message at a time:
// - stdin: the body, as a file in memory (memfd), so a command that reads
//   none of it, or all of it twice, works, and the listener never blocks
//   on a pipe;
// - environment: the listener's, with HOOKBOT_TOPIC and HOOKBOT_ID (empty
//   when the server gave no id);
// - its own process group, so that a timeout or a stop terminates what the
//   command started too: SIGTERM to the group, SIGKILL `kill_grace` later;
// - stdout and stderr: the listener's.
class command_runner {
  public:
    command_runner(const boost::asio::any_io_executor& executor, std::string command,
                   std::chrono::milliseconds timeout,
                   std::chrono::milliseconds kill_grace = std::chrono::seconds{5});

    // Runs the command for `message` and waits until it has ended and been
    // reaped (at most timeout + kill_grace, and a SIGKILL).
    boost::asio::awaitable<command_result> run(const client::watch_message& message);

    // Ends the command in hand early (outcome interrupted); later runs start
    // none. For SIGINT/SIGTERM.
    void interrupt();

  private:
    boost::asio::any_io_executor executor_;
    std::string command_;
    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds kill_grace_;
    boost::asio::steady_timer deadline_;
    bool interrupted_ = false;
};

}  // namespace hookbot::listen
