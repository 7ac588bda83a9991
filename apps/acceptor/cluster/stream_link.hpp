#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/cluster/cluster_options.hpp"

// The acceptor's connection to the cluster's JetStream stream, without a
// NATS type in sight: cluster_relay uses it, nats/ implements it, and only
// hookbot-acceptor-cluster links that implementation (without --cluster
// nothing of NATS is loaded; hookbot-acceptor links without_nats.cpp).
namespace hookbot::acceptor {

// What the link learned of the stream: its identity (a hash of its name
// and creation time: a stream deleted and made again has another) and its
// newest sequence.
struct stream_state {
    std::uint64_t identity = 0;
    std::uint64_t last_seq = 0;
};

// One message consumed from the stream, in stream order.
struct consumed_message {
    std::uint64_t seq = 0;
    std::uint64_t pending = 0;  // messages after it the consumer has yet to deliver
    std::uint64_t unix_us = 0;  // when the stream stored it
    std::string data;
};

// JetStream's answer to a publish, by its publish id: the stream
// sequence, or why not.
struct publish_ack {
    std::uint64_t id = 0;
    std::uint64_t seq = 0;  // 0: not stored, see error
    std::string error;
};

// A resume older than the bus: the stream's messages after after_seq up to
// through_seq, read by a consumer of their own.
struct fetch_request {
    std::uint64_t after_seq = 0;
    std::uint64_t through_seq = 0;
    // The read stops once the kept messages are past this size, or after this long.
    std::size_t max_bytes = 0;
    std::chrono::milliseconds max_time{0};
    // Called on the link's own thread for each message read (a stream
    // message, stream_payload.hpp): whether to keep it. Keep it a pure function.
    std::function<bool(std::string_view data)> keep;
};

struct fetched_messages {
    // The sequences read: read_from..read_through, none when read_through is
    // below read_from. read_from past the request's after_seq + 1: the
    // stream no longer held those (its --cluster-max-age or -max-bytes).
    std::uint64_t read_from = 0;
    std::uint64_t read_through = 0;
    std::vector<consumed_message> kept;  // in stream order
};

class stream_link {
  public:
    // Called on the io_context's thread, never from inside a stream_link call.
    struct handlers {
        std::function<void(stream_state)> stream;  // at least every second while connected
        std::function<void(consumed_message)> message;
        std::function<void(publish_ack)> ack;
        std::function<void(bool connected)> connection;
    };

    stream_link() = default;
    stream_link(const stream_link&) = delete;
    stream_link& operator=(const stream_link&) = delete;
    virtual ~stream_link() = default;

    [[nodiscard]] virtual bool connected() const noexcept = 0;
    // The largest message the NATS servers take (their max_payload).
    [[nodiscard]] virtual std::size_t max_payload() const noexcept = 0;
    // Sends `data` (a stream message, stream_payload.hpp, whose publish id is
    // `publish_id`) to the stream; handlers.ack gets `publish_id` back, with
    // the sequence once a quorum stored it. False when it could not be sent.
    virtual bool publish(std::uint64_t publish_id, std::string_view data) = 0;
    // Consumes the stream from `first_seq` on, in order, into handlers.message
    // (again from there if called again).
    virtual void consume_from(std::uint64_t first_seq) = 0;
    // A consumed message of `bytes` is on the bus: the link holds at most a
    // bounded amount not yet confirmed so (it stops reading the stream).
    virtual void consumed(std::size_t bytes) = 0;
    // Reads `request`'s range on a thread of the link's own, one fetch at a
    // time, and calls `done` on the io_context's thread (never from inside
    // this call), with what it read: maybe less than asked, or nothing.
    virtual void fetch(fetch_request request, std::function<void(fetched_messages)> done) = 0;
};

// Connects in the background (a NATS server down at the start is not an
// error): handlers.connection says when. Throws std::runtime_error when the
// options cannot be used (a credentials file that does not load) or, in
// hookbot-acceptor, always: it is built without NATS.
std::unique_ptr<stream_link> open_stream_link(boost::asio::io_context& ioc,
                                              const cluster::cluster_options& options,
                                              const std::string& client_name,
                                              stream_link::handlers handlers);

}  // namespace hookbot::acceptor
