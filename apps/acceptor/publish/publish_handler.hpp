#pragma once

#include <boost/beast/http/message.hpp>
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
    using outcome = std::variant<shm_ring::message_id, responses::response>;
    outcome publish(const publish_plan& plan, const boost::beast::http::request_header<>& head,
                    std::string_view body);

    // Unlinks the large-body blobs whose records are overwritten (bus_writer).
    void release_overwritten_blobs() noexcept { writer_.release_overwritten_blobs(); }
    // The bus_seq of the newest record committed (flow control: bus_room).
    [[nodiscard]] std::uint64_t last_bus_seq() const noexcept { return writer_.last_bus_seq(); }

  private:
    outcome append(const publish_plan& plan, std::string_view stored, std::uint32_t flags,
                   std::string_view body);
    void route_github(std::string_view topic, std::string_view body);

    shm_ring::bus_writer writer_;
    worker_pool& workers_;
    github_routing* github_;  // nullptr: no --router github
    shm_ring::acceptor_counters& counters_;
    std::uint64_t epoch_;
};

}  // namespace hookbot::acceptor
