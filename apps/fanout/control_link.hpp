#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "hookbot/handoff/channel.hpp"
#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/unique_fd.hpp"

namespace hookbot::fanout {

// The worker's end of the acceptor's control socket. Connects (retrying with
// backoff), says hello with the doorbell eventfd attached, then receives
// subscriber handoffs. When the acceptor goes away (EOF: it restarted) it
// reconnects and says hello again: a worker never exits because of it, and
// its subscribers are untouched.
class control_link {
public:
    using handoff_handler = std::function<void(handoff::subscriber, posix::unique_fd)>;

    control_link(boost::asio::io_context& ioc, std::string path, handoff::hello greeting,
                 int doorbell_fd, handoff_handler on_handoff);

    void start();
    void stop();

private:
    void connect();
    void on_retry(const boost::system::error_code& ec);
    void say_hello();
    void wait(boost::asio::posix::stream_descriptor::wait_type what);
    void on_ready(boost::asio::posix::stream_descriptor::wait_type what,
                  const boost::system::error_code& ec);
    void receive_all();
    void lost(const std::string& why);

    std::string path_;
    handoff::hello greeting_;
    int doorbell_fd_;
    handoff_handler on_handoff_;
    std::optional<handoff::channel> channel_;
    boost::asio::posix::stream_descriptor socket_;  // a dup of the channel's socket
    boost::asio::steady_timer retry_;
    std::chrono::milliseconds backoff_;
    bool connect_failure_logged_ = false;
    bool stopped_ = false;
};

}  // namespace hookbot::fanout
