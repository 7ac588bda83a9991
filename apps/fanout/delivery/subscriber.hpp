#pragma once

#include "delivery/payload.hpp"
#include "delivery/subscriber_queue.hpp"

namespace hookbot::fanout {

// A subscriber as the worker's delivery path sees it, whatever its transport
// (websocket now, Server-Sent Events later). Implementations live as long as
// their connection does and unregister themselves from `subscriptions`.
class subscriber {
  public:
    virtual ~subscriber() = default;

    // Queues one message. Must not add or remove subscriptions synchronously:
    // it is called while the bus tailer walks a list of matches.
    virtual push_result deliver(const payload& message) = 0;

    // Writes what is queued, as far as the connection takes it now; called
    // by the flush_queue the subscriber scheduled itself on.
    virtual void flush() = 0;

    // The worker is stopping: close with 1001 (going away) within `grace`.
    virtual void close_going_away() = 0;

  protected:
    subscriber() = default;
    subscriber(const subscriber&) = default;
    subscriber& operator=(const subscriber&) = default;
};

}  // namespace hookbot::fanout
