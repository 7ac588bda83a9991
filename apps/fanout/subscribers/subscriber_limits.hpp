#pragma once

#include <chrono>
#include <cstddef>

#include "delivery/subscriber_queue.hpp"
#include "hookbot/limits/client_limits.hpp"

namespace hookbot::fanout {

// Per-connection limits, shared by a worker's subscribers.
struct subscriber_limits {
    queue_limits queue;
    // A write (the 101, one message, the close) not finished by then closes
    // the connection: the client stopped reading.
    std::chrono::milliseconds write_timeout = limits::default_milliseconds(limits::write_timeout);
    // A subscriber silent (no frame, no pong) this long gets a ping ...
    std::chrono::milliseconds ping_interval = limits::default_milliseconds(limits::ping_interval);
    // ... and one silent this long is closed. Must exceed ping_interval.
    std::chrono::milliseconds ping_timeout = limits::default_milliseconds(limits::ping_timeout);
    // Largest message a client may send (it is read and ignored, D5.3).
    std::size_t max_client_message = limits::max_client_message.default_value;
};

}  // namespace hookbot::fanout
