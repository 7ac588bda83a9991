#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/stream_link.hpp"
#include "cluster/stream_payload.hpp"
#include "hookbot/cluster/cluster_options.hpp"
#include "hookbot/handoff/message.hpp"
#include "hookbot/posix/log_throttle.hpp"
#include "hookbot/posix/unique_fd.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/counters.hpp"
#include "publish/publish_handler.hpp"

namespace hookbot::acceptor {

class bus_room;

// Cluster mode (docs/ARCHITECTURE.md, "A cluster"): publishes go to the
// JetStream stream and are answered once it acknowledges them; what the
// stream holds comes back, in stream order, and is appended to this host's
// bus at the bus_seq its stream sequence makes (stream_payload.hpp). So
// every host's bus is a copy of the stream, its epoch the stream's identity,
// and a message's id the same on every host.
//
// A bus of another epoch than the stream's identity (the first start of a
// host, or a stream deleted and made again, or NATS restarted empty) is not
// written to: the relay asks for a new one (`replace_bus`), which the
// supervisor makes, with the stream's identity as its epoch.
class cluster_relay {
  public:
    // Registers itself as `publisher`'s way to the stream.
    cluster_relay(boost::asio::io_context& ioc, const cluster::cluster_options& options,
                  shm_ring::bus& bus, publish_handler& publisher, bus_room* room,
                  std::function<void()> replace_bus);
    cluster_relay(const cluster_relay&) = delete;
    cluster_relay& operator=(const cluster_relay&) = delete;
    ~cluster_relay();

    // Opens the link (throws std::runtime_error when its options are unusable).
    void start(const std::string& client_name);
    // Calls `settled` once: when this host consumes the stream into a bus
    // of the stream's identity, or after `at_most` without (NATS out of
    // reach: the host serves subscribers and answers publishes 503). A host
    // is ready for traffic then, not before: its first start replaces the
    // bus, and with it the processes that serve.
    void when_settled(std::function<void()> settled, std::chrono::milliseconds at_most);

    // A worker's resume from an id older than its bus retains
    // (handoff::stream_fetch): the subscription's messages of that range,
    // read from the stream and answered with `reply` once, in a sealed memfd
    // (handoff/stream_batch.hpp). At once with none read when the stream is
    // out of reach or enough fetches are under way: the resume then goes on
    // from the bus, with its gap notice.
    using fetch_reply = std::function<void(handoff::stream_messages, posix::unique_fd batch)>;
    void fetch(const handoff::stream_fetch& request, fetch_reply reply);

  private:
    using clock = std::chrono::steady_clock;
    using done_handler = publish_handler::done_handler;
    struct waiting_publish {
        done_handler done;
        clock::time_point arrived;
    };
    // Publishes sent to the stream together, as one stream message: a few
    // are in flight at most, and what arrives meanwhile waits in the next.
    // Under load a message carries many publishes and the stream's work per
    // publish falls with it; a publish alone goes at once.
    struct outgoing_message {
        stream_message_builder data;
        std::vector<waiting_publish> publishes;  // in the order of data's records
        clock::time_point deadline;              // its first publish's
    };

    // One publish to the stream, in the next stream message this host
    // sends; `done` is called once, maybe before this returns.
    void publish(std::string_view topic, std::string_view body, std::uint32_t flags,
                 done_handler done);
    void on_stream(const stream_state& state);
    void on_message(consumed_message message);
    void on_ack(const publish_ack& ack);
    void on_connection(bool up);
    void schedule_send();
    void send_next();
    void refuse(outgoing_message message, std::atomic<std::uint64_t>& counter);
    void append(std::uint64_t stream_seq, std::size_t index, const stream_record& record);
    void note_appended(const consumed_message& message);
    void note_stream_end(std::uint64_t last_seq);
    void update_lag();
    void settle();
    void arm_deadline();
    void expire_publishes();
    void answer_fetch(const handoff::stream_fetch& request, fetched_messages fetched,
                      const fetch_reply& reply);

    boost::asio::io_context& ioc_;
    cluster::cluster_options options_;
    shm_ring::bus& bus_;
    shm_ring::cluster_counters& counters_;
    publish_handler& publisher_;
    bus_room* room_;
    std::function<void()> replace_bus_;
    std::unique_ptr<stream_link> link_;

    // The first in_flight_ are in flight, the others wait. Their deadlines
    // are in this order too: one timer serves them all.
    std::deque<outgoing_message> outgoing_;
    std::size_t in_flight_ = 0;
    bool send_posted_ = false;
    boost::asio::steady_timer deadline_timer_;
    std::function<void()> settled_;
    boost::asio::steady_timer settle_timer_;
    bool deadline_armed_ = false;
    std::uint64_t next_publish_id_ = 1;

    std::uint64_t identity_ = 0;  // 0: the stream is not known yet
    bool consuming_ = false;
    bool replacing_ = false;
    std::uint64_t queued_seq_ = 0;    // the newest stream sequence handed to the bus_room
    std::uint64_t appended_seq_ = 0;  // the newest appended
    std::uint64_t appended_unix_us_ = 0;
    std::uint64_t stream_last_seq_ = 0;  // the stream's newest, as last seen
    std::uint64_t skipped_ = 0;          // messages not in this format
    std::size_t fetches_under_way_ = 0;
    // A stream without a leader refuses every publish for seconds.
    log::throttle refusals_{10, "JetStream refusal lines"};
};

}  // namespace hookbot::acceptor
