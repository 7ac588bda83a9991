#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/container/static_vector.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "delivery/flush_queue.hpp"
#include "delivery/subscriber.hpp"
#include "frames/client_frame_parser.hpp"
#include "hookbot/handoff/message.hpp"
#include "resume/replay.hpp"
#include "subscribers/close_handshake.hpp"
#include "subscribers/control_frames.hpp"
#include "subscribers/subscriber_limits.hpp"
#include "topics/subscriptions.hpp"
#include "transport/subscriber_transport.hpp"
#include "transport/upgrade_handshake.hpp"

namespace hookbot::fanout {

// One websocket subscriber, from the upgrade request to the close, over any
// subscriber_transport (plain TCP handed over by the acceptor, TLS accepted
// by this worker), in as few bytes as it can be. An event stream (Server-Sent
// Events) is served by the same class: the same queue, writes and limits;
// its "handshake" writes a 200 instead of the 101, it reads nothing but the
// end of the connection, keeps alive with comment lines instead of pings,
// and closes without a close frame.
// - writes: queued frames (shared, built once per bus record by the bus
//   tailer) and this subscriber's control frames go out gathered, up to 64
//   frames per write, when the worker's flush_queue comes to it; it waits
//   for writability only when the transport reports the socket full.
// - reads: wait for readability and read into one buffer shared by every
//   subscriber of the worker, feeding a client_frame_parser (a few dozen
//   bytes of state).
// Kept alive by its pending read (shared_from_this); a single watchdog timer
// enforces the write timeout, the close grace and the keep-alive pings. The
// close handshake is one state (close_handshake).
class websocket_subscriber final : public subscriber,
                                   public std::enable_shared_from_this<websocket_subscriber> {
  public:
    // Subscribes the connection and answers its upgrade request; the
    // subscription is in effect before the 101 is sent (PROTOCOL D5.2). The
    // caller must have drained the bus first, so that older records are not
    // delivered. Logs and closes the connection when the subscription is
    // refused. `registry` and `limits` must outlive the subscriber (the
    // worker's own: they outlive its io_context's run).
    // A resume (`since` not empty) replays the retained messages after it
    // first (resume/replay.hpp).
    static void start(std::unique_ptr<upgrade_handshake> handshake, std::string topic,
                      bool recursive, subscriptions& registry, const subscriber_limits& limits,
                      handoff::delivery_format format = handoff::delivery_format::original,
                      std::string_view since = {});

    websocket_subscriber(std::unique_ptr<upgrade_handshake> handshake, subscriptions& registry,
                         const subscriber_limits& limits, handoff::delivery_format format);
    ~websocket_subscriber() override;
    websocket_subscriber(const websocket_subscriber&) = delete;
    websocket_subscriber& operator=(const websocket_subscriber&) = delete;

    // How often an event stream gets a comment line when nothing else is
    // written (docs/PROTOCOL.md, "Server-Sent Events").
    static constexpr std::chrono::seconds event_stream_keep_alive{15};

    push_result deliver(const payload& message) override;
    void flush() override;
    void close_going_away() override;

  private:
    using clock = std::chrono::steady_clock;
    using wait_type = boost::asio::socket_base::wait_type;
    // A close asked for during the handshake, sent once it is done.
    struct close_request {
        std::uint16_t code = 0;
        const char* reason = "";  // a string literal
    };

    void run(std::string topic, bool recursive, std::string_view since);
    void on_answered(boost::beast::error_code ec);

    // Resuming (subscriber_resume.cpp).
    struct resume_plan {
        std::string topic;
        bool recursive;
        payload_kind kind;
        resume_start start;
        std::string since;  // as sent
    };
    void start_replay(const std::string& topic, bool recursive, std::string_view since);
    // Makes the replay (what the stream gave first, if anything). False
    // when the bus cannot be walked: live messages only.
    bool begin_replay(const resume_plan& plan, stream_batch earlier);
    // Queues the replay's gap notice, if it has one, and its first messages.
    void replay_from_start();
    // Queues more of the replay if the queue has room; ends it once caught up.
    void continue_replay();

    // Reading (subscriber_reading.cpp).
    void do_read(wait_type wait = wait_type::wait_read);
    void on_readable(boost::beast::error_code ec);
    // Parses what the client sent. False when the connection is over.
    bool consume(std::span<char> data);
    void on_client_done(std::uint16_t code);

    // Writing (subscriber_writing.cpp).
    // Schedules a flush, unless one is scheduled or a write waits already.
    void request_write();
    void wait_writable();
    void on_writable(boost::beast::error_code ec);
    using write_buffers = boost::container::static_vector<boost::asio::const_buffer,
                                                          subscriber_transport::max_write_buffers>;
    // Collects what is to be written next, in order: the rest of a partly
    // written front frame, the control frames, then the queued frames (none
    // after a close frame), stopping once the transport's write size is
    // reached.
    void collect(write_buffers& buffers);
    // Accounts `bytes` the transport took of what collect() gave: frames
    // written are counted and popped. False when the connection is over.
    bool account(std::size_t bytes);
    void write_failed(boost::beast::error_code ec);
    // A write waits on the client: the write timeout runs.
    [[nodiscard]] bool writing() const noexcept { return waiting_writable_; }

    // Closing (websocket_subscriber.cpp).
    // Unsubscribes and queues a close frame; what is still queued is
    // dropped for `cause`.
    void close(std::uint16_t code, const char* reason, clock::duration grace,
               shm_ring::drop_cause cause);
    // Nothing more is delivered: unsubscribe, drop what was not begun.
    void stop_delivering(clock::duration grace, shm_ring::drop_cause cause);
    void queue_close(std::uint16_t code, const char* reason);
    // The connection is over: unsubscribe, count what was never written, and
    // close the socket so every pending operation ends.
    void finish(boost::beast::error_code ec, const char* what);

    // The watchdog (websocket_watchdog.cpp).
    void arm_watchdog(clock::time_point at);
    void on_watchdog(boost::beast::error_code ec);
    [[nodiscard]] clock::time_point next_deadline(clock::time_point now) const;

    std::unique_ptr<upgrade_handshake> handshake_;     // until the 101 is written
    std::unique_ptr<subscriber_transport> transport_;  // from then on
    subscriptions& registry_;
    // The worker's: a reference is 8 bytes per subscriber, a copy 56.
    const subscriber_limits& limits_;
    flush_queue& flushes_;  // the io_context's
    std::string name_;      // "peer on topic", for log lines
    subscriber_queue queue_;
    client_frame_parser parser_;
    // Typed on the io_context's executor rather than any_io_executor: the
    // timer and its pending wait, alive for the connection's whole life, are
    // the smaller for it.
    boost::asio::basic_waitable_timer<clock, boost::asio::wait_traits<clock>,
                                      boost::asio::io_context::executor_type>
        watchdog_;
    control_frames controls_;
    std::size_t front_offset_ = 0;  // bytes of the queue's front frame written
    // While resuming: live messages are the replay's to send.
    std::unique_ptr<replay> replay_;
    // In a cluster, while the stream is asked for what the bus lost (before
    // the replay): live messages are the replay's to send.
    bool awaiting_stream_ = false;
    // After a replay: live messages below this bus_seq were replayed.
    std::uint64_t live_from_bus_seq_ = 0;
    bool event_stream_;

    close_handshake state_;
    close_request close_after_101_;
    bool front_first_ = false;  // the write collected began with the front's rest
    bool flush_scheduled_ = false;
    bool waiting_writable_ = false;
    bool ping_in_flight_ = false;
    bool watchdog_armed_ = false;
    clock::time_point watchdog_at_{};
    clock::time_point last_heard_{};
    clock::time_point write_deadline_{};
    clock::time_point close_deadline_ = clock::time_point::max();
};

}  // namespace hookbot::fanout
