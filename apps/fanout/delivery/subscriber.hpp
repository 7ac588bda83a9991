#pragma once

#include "delivery/payload.hpp"
#include "delivery/subscriber_queue.hpp"

namespace hookbot::fanout {

// A subscriber as the worker's delivery path sees it, whatever its transport
// (websocket or Server-Sent Events). Implementations live as long as their
// connection does and unregister themselves from `subscriptions`.
class subscriber {
  public:
    virtual ~subscriber() = default;

    // The payload it takes: bare (the original framing; recursive when its
    // subscription is), json or event. Not virtual: read once per delivery.
    [[nodiscard]] payload_kind kind() const noexcept { return kind_; }

    // Queues one message. Must not add or remove subscriptions synchronously:
    // it is called while the bus tailer walks a list of matches.
    virtual push_result deliver(const payload& message) = 0;

    // Writes what is queued, as far as the connection takes it now; called
    // by the flush_queue the subscriber scheduled itself on.
    virtual void flush() = 0;

    // The worker is stopping: close with 1001 (going away) within `grace`.
    virtual void close_going_away() = 0;

  protected:
    explicit subscriber(payload_kind kind = payload_kind::bare) : kind_(kind) {}
    subscriber(const subscriber&) = default;
    subscriber& operator=(const subscriber&) = default;

  private:
    payload_kind kind_;
};

}  // namespace hookbot::fanout
