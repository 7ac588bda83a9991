// What a subscriber reads: control frames, and data it ignores (PROTOCOL
// D5.3) but checks (RFC 6455 5, 8.1).
#include <array>
#include <boost/beast/core/bind_handler.hpp>

#include "subscribers/exact_allocator.hpp"
#include "subscribers/websocket_subscriber.hpp"

namespace hookbot::fanout {
namespace beast = boost::beast;

namespace {

// Reads per readiness: the rest waits a loop turn.
constexpr int max_reads_per_wake = 4;

// What subscribers read into: one per thread (a worker has one), so an idle
// subscriber holds no read buffer. Its content is parsed before the next
// read, by whichever subscriber.
std::span<char> read_scratch() {
    thread_local std::array<char, 16 * 1024> scratch{};
    return scratch;
}

}  // namespace

void websocket_subscriber::do_read(wait_type wait) {
    // Pending for as long as the client is silent: see exact_allocation.
    transport_->socket().async_wait(
        wait, with_exact_allocation(beast::bind_front_handler(&websocket_subscriber::on_readable,
                                                              shared_from_this())));
}

void websocket_subscriber::on_readable(beast::error_code ec) {
    if (state_.closed()) return;
    if (ec) return finish(ec, "read");
    const std::span<char> scratch = read_scratch();
    // What the transport holds already raises no readiness: it is read now.
    for (int reads = 0; reads < max_reads_per_wake || transport_->buffered(); ++reads) {
        const read_result read = transport_->read(scratch);
        if (read.error) return finish(read.error, "read");
        if (read.wait_writable) return do_read(wait_type::wait_write);
        if (read.bytes == 0) break;  // nothing more now
        if (!consume(scratch.first(read.bytes))) return;
        if (read.bytes < scratch.size() && !transport_->buffered()) break;  // drained
    }
    do_read();
}

bool websocket_subscriber::consume(std::span<char> data) {
    // An event stream's client has nothing to say after its request; what it
    // sends anyway is not read as frames.
    if (event_stream_) return true;
    // Any frame proves the client alive, a pong as much as data.
    last_heard_ = clock::now();
    using kind = client_frame_parser::kind;
    while (!data.empty() && state_.reading()) {
        client_frame_parser::event event;
        data = data.subspan(parser_.feed(data, event));
        switch (event.what) {
            case kind::none:
            case kind::pong:
                break;
            case kind::ping:
                // No pong after our close frame; a newer ping's replaces one
                // not yet sent.
                if (!state_.close_queued()) {
                    controls_.pong(event.payload);
                    request_write();
                }
                break;
            case kind::close:
            case kind::error:
                on_client_done(event.close_code);
                break;
        }
    }
    return !state_.closed();
}

void websocket_subscriber::on_client_done(std::uint16_t code) {
    const bool delivering = state_.accepts_messages();
    switch (state_.client_done()) {
        case close_handshake::action::queue_close:
            if (delivering)
                stop_delivering(limits_.write_timeout, shm_ring::drop_cause::disconnected);
            return queue_close(code, "");
        case close_handshake::action::finish:
            return finish({}, "close");
        case close_handshake::action::none:
            return;
    }
}

}  // namespace hookbot::fanout
