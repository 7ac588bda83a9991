#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <utility>

#include "cluster/nats/nats_event_loop.hpp"
#include "cluster/nats/nats_handles.hpp"
#include "cluster/stream_link.hpp"

namespace hookbot::acceptor::nats {

// stream_link on the NATS C client (libnats). The connection's socket is
// read and written on the io_context's thread (event_loop), and so are the
// acknowledgements of publishes: each publish asks for them on a subject of
// its own under this connection's inbox (`<inbox>.<publish id>`), and after
// each read of the socket the link takes what that inbox's subscription
// holds, without waiting, and hands it to handlers.ack; then what the
// stream's consumer holds, to handlers.message. The client's other
// callbacks run on its threads and only post to the io_context; the
// blocking JetStream API calls (stream info, creating the stream and the
// consumer) run on a thread of this class's own, `watcher_`, never on the
// acceptor's (their replies are read there too: the acceptor's thread must
// never wait for one).
//
// The consumer is JetStream's ordered consumer: ephemeral, no acks, flow
// control and heartbeats, made again by the client from the next sequence
// when it misses one. The watcher makes it (a blocking call) and hands it
// to the io_context's thread, which reads it and destroys the one before.
// What it cannot see is a stream deleted and made again under the same name
// (its sequences start again at 1, so it waits for one it will not see for
// a long time): the watcher reads the stream's creation time every second
// for that.
//
// A resume older than the bus is read by a consumer of its own, on another
// thread of this class's own, `fetcher_`, one at a time: a long read never
// holds up the watcher.
class nats_stream_link final : public stream_link {
  public:
    nats_stream_link(boost::asio::io_context& ioc, const cluster::cluster_options& options,
                     const std::string& client_name, handlers on);
    ~nats_stream_link() override;

    [[nodiscard]] bool connected() const noexcept override;
    [[nodiscard]] std::size_t max_payload() const noexcept override;
    bool publish(std::uint64_t publish_id, std::string_view data) override;
    void consume_from(std::uint64_t first_seq) override;
    void consumed(std::size_t bytes) override;
    void fetch(fetch_request request, std::function<void(fetched_messages)> done) override;

  private:
    void watch(const std::stop_token& stop);
    // The stream's state, creating the stream when it is missing; nullopt
    // when NATS did not answer.
    std::optional<stream_state> read_stream();
    void subscribe(std::uint64_t first_seq);
    void serve_fetches(const std::stop_token& stop);
    fetched_messages read_range(const fetch_request& request, const std::stop_token& stop);

    // On the io_context's thread, after each read of the socket.
    void read_acks();
    void no_responders();
    // Hands what the consumer holds to handlers.message, up to the bound on
    // what is not yet on the bus (io_context's thread).
    void read_consumed();
    void take_new_consumer();

    static void on_connected(natsConnection* connection, void* self);
    static void on_disconnected(natsConnection* connection, void* self);
    void set_connected(bool up);

    boost::asio::io_context& ioc_;
    cluster::cluster_options options_;
    handlers on_;
    std::atomic<bool> connected_{false};
    std::atomic<bool> stopping_{false};
    std::atomic<std::uint64_t> last_consumed_{0};
    std::atomic<bool> has_consumer_{false};
    // Consumed messages handed to the relay and not yet on the bus
    // (consumed()); written on the io_context's thread, read by the watcher.
    std::atomic<std::size_t> queued_bytes_{0};

    std::mutex mutex_;
    std::condition_variable_any wake_watcher_;
    std::optional<std::uint64_t> consume_request_;  // for the watcher
    subscription_handle new_consumer_;              // made by the watcher, for the io_context
    struct pending_fetch {
        fetch_request request;
        std::function<void(fetched_messages)> done;
    };
    std::deque<pending_fetch> fetches_;  // for the fetcher
    std::condition_variable_any wake_fetcher_;

    // The io_context's thread only: publishes sent and not yet answered,
    // in sending order (see no_responders()).
    using clock = std::chrono::steady_clock;
    std::unordered_set<std::uint64_t> unanswered_;
    std::deque<std::pair<clock::time_point, std::uint64_t>> sent_;
    std::string subject_;     // the stream's (read-only after construction: any thread)
    std::string ack_prefix_;  // "<inbox>."
    std::string ack_subject_;

    std::shared_ptr<event_loop> loop_;
    options_handle nats_options_;
    connection_handle connection_;
    jetstream_handle js_;
    subscription_handle acks_;      // "<inbox>.*", read on the io_context's thread
    subscription_handle consumer_;  // the stream's ordered consumer, read like acks_
    std::jthread watcher_;
    std::jthread fetcher_;
};

}  // namespace hookbot::acceptor::nats
