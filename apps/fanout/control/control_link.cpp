#include "control/control_link.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <exception>
#include <utility>
#include <variant>

#include "control/reconnect_backoff.hpp"
#include "hookbot/posix/error.hpp"
#include "hookbot/posix/log.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
using descriptor = asio::posix::stream_descriptor;

namespace {

// Handoffs taken per turn of the event loop, so that a burst of new
// subscribers does not stall delivery to the existing ones.
constexpr int handoffs_per_turn = 64;

}  // namespace

control_link::control_link(asio::io_context& ioc, std::string path, handoff::hello greeting,
                           int doorbell_fd, handoff_handler on_handoff)
    : path_(std::move(path)),
      greeting_(greeting),
      doorbell_fd_(doorbell_fd),
      on_handoff_(std::move(on_handoff)),
      socket_(ioc),
      retry_(ioc),
      backoff_(first_reconnect_backoff) {}

void control_link::start() {
    stopped_ = false;
    connect();
}

void control_link::stop() {
    stopped_ = true;
    up_ = false;
    queue_.clear();
    retry_.cancel();
    boost::system::error_code ignored;
    socket_.close(ignored);
    channel_.reset();
}

bool control_link::send(handoff::message m, posix::unique_fd attached) {
    if (!up_) return false;
    queue_.push_back(outgoing{std::move(m), std::move(attached)});
    if (!writing_) flush();
    return true;
}

void control_link::flush() {
    while (up_ && !queue_.empty()) {
        handoff::channel::send_result result{};
        try {
            result = channel_->send(queue_.front().message, queue_.front().attached.get());
        } catch (const std::exception& e) {
            return lost(std::string("send failed: ") + e.what());
        }
        switch (result) {
            case handoff::channel::send_result::sent:
                queue_.pop_front();
                break;
            case handoff::channel::send_result::would_block:
                return do_wait_writable();
            case handoff::channel::send_result::closed:
                return lost("the acceptor closed the connection");
        }
    }
}

void control_link::do_wait_writable() {
    writing_ = true;
    socket_.async_wait(descriptor::wait_write,
                       [this](const boost::system::error_code& ec) { on_writable(ec); });
}

void control_link::on_writable(const boost::system::error_code& ec) {
    // Aborted: the socket closed (lost() or stop() reset writing_ then), and
    // a wait on the next connection may be armed already.
    if (stopped_ || ec == asio::error::operation_aborted) return;
    writing_ = false;
    if (ec) return lost(ec.message());
    flush();
}

void control_link::connect() {
    if (stopped_) return;
    try {
        channel_.emplace(handoff::channel::connect(path_));
        socket_.assign(posix::check(::dup(channel_->fd()), "dup control socket"));
    } catch (const std::exception& e) {
        channel_.reset();
        if (!connect_failure_logged_) {
            connect_failure_logged_ = true;  // once per outage, not once per retry
            log::warning("cannot connect to the control socket ", path_, ": ", e.what(),
                         "; retrying");
        }
        retry_.expires_after(backoff_);
        backoff_ = std::min(backoff_ * 2, max_reconnect_backoff);
        retry_.async_wait([this](const boost::system::error_code& ec) { on_retry(ec); });
        return;
    }
    if (before_hello_ && !before_hello_()) return stop();
    say_hello();
}

void control_link::on_retry(const boost::system::error_code& ec) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    connect();
}

void control_link::say_hello() {
    handoff::channel::send_result result{};
    try {
        result = channel_->send(greeting_, doorbell_fd_);
    } catch (const std::exception& e) {
        return lost(std::string("hello failed: ") + e.what());
    }
    switch (result) {
        case handoff::channel::send_result::sent:
            log::info("control link up: ", path_, " (slot ", greeting_.slot, ", pid ",
                      greeting_.pid, ")");
            connect_failure_logged_ = false;
            backoff_ = first_reconnect_backoff;
            up_ = true;
            return wait(descriptor::wait_read);
        case handoff::channel::send_result::would_block:
            return wait(descriptor::wait_write);
        case handoff::channel::send_result::closed:
            return lost("closed before hello");
    }
}

void control_link::wait(descriptor::wait_type what) {
    socket_.async_wait(what,
                       [this, what](const boost::system::error_code& ec) { on_ready(what, ec); });
}

void control_link::on_ready(descriptor::wait_type what, const boost::system::error_code& ec) {
    if (stopped_ || ec == asio::error::operation_aborted) return;
    if (ec) return lost(ec.message());
    if (what == descriptor::wait_write) return say_hello();
    receive_all();
}

void control_link::receive_all() {
    for (int taken = 0; taken < handoffs_per_turn; ++taken) {
        if (stopped_ || !channel_) return;
        std::optional<handoff::channel::received> in;
        handoff::channel::receive_status status{};
        try {
            status = channel_->receive(in);
        } catch (const std::exception& e) {
            return lost(e.what());
        }
        if (status == handoff::channel::receive_status::would_block) {
            return wait(descriptor::wait_read);  // drained: the next packet makes an edge
        }
        if (status == handoff::channel::receive_status::closed) {
            return lost("the acceptor closed the connection");
        }
        if (std::holds_alternative<handoff::forwarded_response>(in->body) ||
            std::holds_alternative<handoff::forwarded_subscribe>(in->body)) {
            if (on_answer_) on_answer_(std::move(in->body));
            continue;
        }
        if (auto* batch = std::get_if<handoff::stream_messages>(&in->body)) {
            if (on_stream_messages_) on_stream_messages_(*batch, std::move(in->attached));
            continue;
        }
        if (std::holds_alternative<handoff::draining_acknowledged>(in->body)) {
            if (on_drained_) on_drained_();
            continue;
        }
        auto* request = std::get_if<handoff::subscriber>(&in->body);
        if (request == nullptr) {
            log::warning("control link ", path_, ": unexpected message from the acceptor; ignored");
        } else if (!in->attached) {
            log::warning("control link ", path_, ": handoff for \"", request->topic,
                         "\" carried no connection; ignored");
        } else {
            on_handoff_(std::move(*request), std::move(in->attached));
        }
    }
    // More may be queued; a wait would not fire for what is already there.
    asio::post(socket_.get_executor(), [this] { receive_all(); });
}

void control_link::lost(const std::string& why) {
    if (stopped_) return;
    log::warning("control link down: ", path_, ": ", why, "; reconnecting");
    boost::system::error_code ignored;
    socket_.close(ignored);
    channel_.reset();
    up_ = false;
    writing_ = false;
    queue_.clear();
    if (on_lost_) on_lost_();
    if (stopped_) return;  // on_lost_ stopped the link (a drain that waited for it)
    connect_failure_logged_ = false;
    backoff_ = first_reconnect_backoff;
    retry_.expires_after(backoff_);
    retry_.async_wait([this](const boost::system::error_code& ec) { on_retry(ec); });
}

}  // namespace hookbot::fanout
