#pragma once

#include <boost/asio/io_context.hpp>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "control/control_link.hpp"
#include "hookbot/handoff/message.hpp"

namespace hookbot::fanout {

// Built-in TLS: sends the requests this worker's TLS sessions read to the
// acceptor, which decides every request, and routes each answer back to its
// session by id. Bodies over handoff::max_inline_body go in a sealed memfd.
// A request that cannot be forwarded (link down, too many in flight) gets a
// 503 built here: the acceptor is the only one who could say more.
class request_forwarder {
  public:
    // A forwarded_response or forwarded_subscribe. Called once per request,
    // never from inside forward().
    using answer_handler = std::function<void(handoff::message)>;

    request_forwarder(boost::asio::io_context& ioc, control_link& link, std::size_t max_in_flight);

    void forward(handoff::forwarded_request request, answer_handler on_answer);

    // From the control link.
    void on_answer(handoff::message answer);
    // The link went down: nothing in flight will be answered; each gets 503.
    void on_lost();
    // Stopping: forget every request in flight without answering it.
    void clear() { in_flight_.clear(); }

    [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_.size(); }

    // What the worker answers itself when the acceptor cannot be asked.
    static handoff::forwarded_response unavailable(std::uint64_t id);

  private:
    void answer_later(answer_handler on_answer, handoff::message answer);

    boost::asio::io_context& ioc_;
    control_link& link_;
    std::size_t max_in_flight_;
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, answer_handler> in_flight_;
};

}  // namespace hookbot::fanout
