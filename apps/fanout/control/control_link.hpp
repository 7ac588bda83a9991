#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
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
//
// With built-in TLS the worker also sends requests it read (send()) and gets
// their answers (on_answer); when the link goes down, on_lost says that the
// requests in flight will not be answered.
class control_link {
  public:
    using handoff_handler = std::function<void(handoff::subscriber, posix::unique_fd)>;
    using answer_handler = std::function<void(handoff::message)>;

    control_link(boost::asio::io_context& ioc, std::string path, handoff::hello greeting,
                 int doorbell_fd, handoff_handler on_handoff);

    void start();
    void stop();

    void on_answer(answer_handler handler) { on_answer_ = std::move(handler); }
    void on_lost(std::function<void()> handler) { on_lost_ = std::move(handler); }
    // Asked on every connection before the hello: false stops the link
    // instead (the instance behind the socket is not the one this worker
    // joined). Unset, every connection says hello.
    void before_hello(std::function<bool()> check) { before_hello_ = std::move(check); }
    // Cluster mode: the acceptor's answers to stream_fetch, with their batch.
    void on_stream_messages(
        std::function<void(handoff::stream_messages, posix::unique_fd)> handler) {
        on_stream_messages_ = std::move(handler);
    }
    // The acceptor acknowledged this worker's `draining`: no handoff follows.
    void on_drained(std::function<void()> handler) { on_drained_ = std::move(handler); }
    // Connected and greeted: send() can work.
    [[nodiscard]] bool up() const noexcept { return up_; }
    // Sends `m` (with `attached`, if valid) now or after what is queued.
    // False when the link is down: the message is dropped.
    bool send(handoff::message m, posix::unique_fd attached = {});

  private:
    void connect();
    void on_retry(const boost::system::error_code& ec);
    void say_hello();
    void wait(boost::asio::posix::stream_descriptor::wait_type what);
    void on_ready(boost::asio::posix::stream_descriptor::wait_type what,
                  const boost::system::error_code& ec);
    void receive_all();
    void lost(const std::string& why);
    void do_wait_writable();
    void on_writable(const boost::system::error_code& ec);
    // Sends from the queue until it is empty or the socket is full.
    void flush();

    struct outgoing {
        handoff::message message;
        posix::unique_fd attached;
    };

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
    bool up_ = false;
    bool writing_ = false;
    answer_handler on_answer_;
    std::function<void()> on_lost_;
    std::function<void()> on_drained_;
    std::function<void(handoff::stream_messages, posix::unique_fd)> on_stream_messages_;
    std::function<bool()> before_hello_;
    std::deque<outgoing> queue_;
};

}  // namespace hookbot::fanout
