// What a subscriber writes: queued frames and its control frames, gathered.
#include <algorithm>
#include <boost/beast/core/bind_handler.hpp>

#include "subscribers/websocket_subscriber.hpp"

namespace hookbot::fanout {
namespace asio = boost::asio;
namespace beast = boost::beast;

void websocket_subscriber::request_write() {
    if (!transport_ || state_.closed()) return;  // the 101 first
    // What the bus tailer queues until the flush queue comes to this
    // subscriber goes in the same write; a write waiting on the client takes
    // the rest when it completes.
    if (flush_scheduled_ || writing()) return;
    flush_scheduled_ = true;
    // A replaying subscriber's writes wait for everyone else's.
    if (replay_) return flushes_.schedule_background(shared_from_this());
    flushes_.schedule(shared_from_this());
}

void websocket_subscriber::flush() {
    flush_scheduled_ = false;
    if (state_.closed() || writing()) return;
    // Once per flush: a long replay takes turns with the other subscribers.
    if (replay_) continue_replay();
    for (;;) {
        write_buffers buffers;
        collect(buffers);
        if (buffers.empty() && !transport_->holds_unsent()) {
            // A replay with nothing ready yet (its reader came back for now):
            // another turn, after the other subscribers'.
            if (replay_) request_write();
            return;
        }
        const write_result result = transport_->write(buffers);
        registry_.count_socket_write();
        if (result.error) return write_failed(result.error);
        if (!account(result.bytes)) return;
        if (result.status == write_status::blocked) return wait_writable();
    }
}

void websocket_subscriber::collect(write_buffers& buffers) {
    const std::size_t max_bytes = transport_->write_size_hint();
    std::size_t bytes = 0;
    auto add = [&](std::string_view part) {
        buffers.push_back(asio::buffer(part.data(), part.size()));
        bytes += part.size();
    };
    front_first_ = front_offset_ > 0;
    std::size_t next = 0;
    if (front_first_) {
        add(std::string_view(queue_.front()->frame).substr(front_offset_));
        next = 1;
    }
    if (const std::string_view controls = controls_.next(); !controls.empty()) add(controls);
    if (state_.close_queued()) return;
    for (; next < queue_.size() && buffers.size() < buffers.capacity() && bytes < max_bytes;
         ++next) {
        add(queue_.at(next)->frame);
    }
}

bool websocket_subscriber::account(std::size_t bytes) {
    // Frames written in full leave the queue together, after the loop.
    std::size_t written = 0;
    const std::uint32_t now_us = shm_ring::monotonic_us32();
    auto take_front = [&] {
        const outgoing_message& message = *queue_.at(written);
        const std::size_t taken = std::min(bytes, message.frame.size() - front_offset_);
        front_offset_ += taken;
        bytes -= taken;
        if (front_offset_ < message.frame.size()) return;
        registry_.count_written(message.commit_us, now_us);
        ++written;
        front_offset_ = 0;
    };
    if (front_first_) take_front();
    const std::size_t controls = std::min(bytes, controls_.next().size());
    controls_.written(controls);
    bytes -= controls;
    while (bytes > 0) take_front();
    queue_.pop(written);
    if (!controls_.empty() || transport_->holds_unsent()) return true;
    ping_in_flight_ = false;
    if (state_.close_written() == close_handshake::action::finish) {
        finish({}, "close");
        return false;
    }
    return true;
}

void websocket_subscriber::write_failed(beast::error_code ec) {
    registry_.count_dropped(queue_.discard(0), shm_ring::drop_cause::disconnected);
    finish(ec, "write");
}

void websocket_subscriber::wait_writable() {
    waiting_writable_ = true;
    write_deadline_ = clock::now() + limits_.write_timeout;
    arm_watchdog(write_deadline_);
    transport_->socket().async_wait(
        asio::ip::tcp::socket::wait_write,
        beast::bind_front_handler(&websocket_subscriber::on_writable, shared_from_this()));
}

void websocket_subscriber::on_writable(beast::error_code ec) {
    waiting_writable_ = false;
    if (state_.closed()) return;
    if (ec) return write_failed(ec);
    flush();
}

}  // namespace hookbot::fanout
