#pragma once

#include <boost/beast/http/message.hpp>
#include <functional>
#include <optional>
#include <string_view>
#include <variant>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_writer.hpp"
#include "hookbot/shm_ring/message_id.hpp"
#include "http/request_plan.hpp"
#include "http/responses.hpp"
#include "publish/github_routing.hpp"
#include "workers/worker_pool.hpp"

namespace hookbot::acceptor {

// docs/PROTOCOL.md P1, D4.2, D4.3, X3: commits one record per publish to the bus, then
// wakes the workers. The acceptor's only thread calls it, which makes it the
// bus's single writer and orders records as their answers (P9). With a
// GitHub router (D7), a routed message is committed right after its original.
class publish_handler {
  public:
    publish_handler(shm_ring::bus& bus, worker_pool& workers, github_routing* github = nullptr);

    // Publishes `body` (or its github envelope, or it with the original
    // request) as `plan` says. Returns the committed message's id (the answer
    // is 200 with it: responses::published), else the refusal: 431 when the
    // kept request is over its bounds, 413 when the record cannot fit the
    // bus, 503 when it cannot be committed at all.
    // In cluster mode (use_cluster) the answer comes once the stream has
    // acknowledged the publish, or 503 when it did not; `done` is called
    // once, maybe before publish() returns. publish() no longer needs `body`
    // when it returns.
    using outcome = std::variant<shm_ring::message_id, responses::response>;
    using done_handler = std::function<void(outcome)>;
    void publish(const publish_plan& plan, const boost::beast::http::request_header<>& head,
                 std::string_view body, done_handler done);

    // Cluster mode (cluster_relay): publishes go to the stream through
    // `send`, and only what the relay consumes from it is appended (append_at).
    using stream_sender = std::function<void(std::string_view topic, std::string_view stored,
                                             std::uint32_t flags, done_handler done)>;
    void use_stream(stream_sender send) { stream_ = std::move(send); }
    // Whether publish() may call `done` after it returns (cluster mode):
    // without it, `done` always runs before publish() returns.
    [[nodiscard]] bool answers_later() const noexcept { return static_cast<bool>(stream_); }
    // Appends one record at the stream sequence `seq` and wakes the workers;
    // false when it does not fit the bus (too long a topic, too large a body).
    bool append_at(std::uint64_t seq, std::string_view topic, std::string_view stored,
                   std::uint32_t flags);
    // An empty bus starts at the stream sequence `seq` (bus_writer::begin_at).
    void begin_at(std::uint64_t seq) { writer_.begin_at(seq); }

    // Unlinks the large-body blobs whose records are overwritten (bus_writer).
    void release_overwritten_blobs() noexcept { writer_.release_overwritten_blobs(); }
    // The bus_seq of the newest record committed (flow control: bus_room).
    [[nodiscard]] std::uint64_t last_bus_seq() const noexcept { return writer_.last_bus_seq(); }

  private:
    // `stored` (with `flags`) is the record; `body` what its subscribers
    // receive, which the GitHub router reads.
    void store(const publish_plan& plan, std::string_view stored, std::uint32_t flags,
               std::string_view body, done_handler done);
    outcome append(const publish_plan& plan, std::string_view stored, std::uint32_t flags,
                   std::string_view body);
    void route_github(std::string_view topic, std::string_view body);
    void publish_routed(const github_router::routed& routed);

    shm_ring::bus_writer writer_;
    worker_pool& workers_;
    github_routing* github_;  // nullptr: no --router github
    stream_sender stream_;    // empty: a single host
    shm_ring::acceptor_counters& counters_;
    std::uint64_t epoch_;
};

}  // namespace hookbot::acceptor
