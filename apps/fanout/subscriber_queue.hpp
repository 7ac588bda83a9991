#pragma once

#include <cstddef>
#include <deque>

#include "payload.hpp"

namespace hookbot::fanout {

// What a full queue does with one more message (--overflow).
enum class overflow_policy {
    drop,   // the new message is dropped for this subscriber only
    close,  // the subscriber is closed with 1008: it cannot keep up
};

struct queue_limits {
    std::size_t max_messages = 1024;
    std::size_t max_bytes = 16u << 20;
    overflow_policy overflow = overflow_policy::drop;
};

// The explicit outcome of a send, as uWebSockets has: the caller counts it.
enum class push_result {
    queued,
    dropped,   // full, policy drop: the message is lost for this subscriber
    overflow,  // full, policy close: the message is lost and the subscriber must close
};

// A subscriber's bounded outgoing queue. The front entry stays queued (and
// counted) while it is being written, so the bounds cover everything this
// subscriber pins in memory. A message larger than max_bytes is still
// accepted into an empty queue: otherwise it could never be delivered.
class subscriber_queue {
public:
    explicit subscriber_queue(const queue_limits& limits) : limits_(limits) {}

    push_result push(payload message);

    [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
    [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
    [[nodiscard]] const payload& front() const { return items_.front(); }
    // The i-th queued message, 0 being the front (i < size()).
    [[nodiscard]] const payload& at(std::size_t i) const { return items_[i]; }

    void pop();
    // Discards every message but the front one when `keep_front` (it is being
    // written). Returns how many were discarded.
    std::size_t discard(bool keep_front);

private:
    queue_limits limits_;
    std::deque<payload> items_;
    std::size_t bytes_ = 0;
};

}  // namespace hookbot::fanout
