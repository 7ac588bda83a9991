#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "delivery/backlog_tracker.hpp"
#include "delivery/payload.hpp"
#include "hookbot/limits/flow_limits.hpp"

namespace hookbot::fanout {

// What a full queue does with one more message (--overflow).
enum class overflow_policy {
    drop,   // the new message is dropped for this subscriber only
    close,  // the subscriber is closed with 1008: it cannot keep up
};

struct queue_limits {
    std::size_t max_messages = limits::queue_messages.default_value;
    std::size_t max_bytes = limits::queue_bytes.default_value;
    overflow_policy overflow = overflow_policy::drop;
    // Told when the queue goes over its high watermark (half of either bound,
    // at most 256 messages or 1 MiB) and when it drains back to its low one
    // (half the high one, in both). None: the queue only keeps its bounds.
    backlog_tracker* tracker = nullptr;
};

// The explicit outcome of a send, as uWebSockets has: the caller counts it.
enum class push_result {
    queued,
    dropped,   // full, policy drop: the message is lost for this subscriber
    overflow,  // full, policy close: the message is lost and the subscriber must close
    // A resuming subscriber has it already, or its replay will send it from
    // the bus (docs/ARCHITECTURE.md, "Resume"): neither queued nor lost.
    already_sent,
};

// A subscriber's bounded outgoing queue. The front entry stays queued (and
// counted) while it is being written, so the bounds cover everything this
// subscriber pins in memory. A message larger than max_bytes is still
// accepted into an empty queue: otherwise it could never be delivered.
//
// The entries live in a ring buffer of a power-of-two capacity that doubles
// when full. When it empties it halves while the most it held since it last
// emptied would fill a quarter at most, and trim() gives an empty queue's
// buffer back: an empty queue that never held more than a few messages costs
// no allocation (most subscribers are idle most of the time), a busy one
// costs 8 bytes per slot and keeps them from one write to the next.
class subscriber_queue {
  public:
    explicit subscriber_queue(const queue_limits& limits) : limits_(limits) {}
    ~subscriber_queue();
    // The tracker's entry points at this queue's stretch of being behind.
    subscriber_queue(const subscriber_queue&) = delete;
    subscriber_queue& operator=(const subscriber_queue&) = delete;

    push_result push(payload message);

    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
    [[nodiscard]] const payload& front() const { return at(0); }
    // The i-th queued message, 0 being the front (i < size()).
    [[nodiscard]] const payload& at(std::size_t i) const { return slots_[index(i)]; }
    // Over the high watermark and not yet below the low one.
    [[nodiscard]] bool behind() const noexcept { return behind_.has_value(); }
    // Below its low watermark (half the high one): a resume's replay queues
    // only while this holds, so that a replay never makes the queue behind
    // (which would hold the bus for every other subscriber).
    [[nodiscard]] bool has_replay_room() const noexcept;
    // Slots allocated (for tests and memory accounting).
    [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

    void pop() { pop(1); }
    // Removes the first n messages (n <= size()).
    void pop(std::size_t n);
    // Discards every message but the first `keep` (they are being written).
    // Returns how many were discarded.
    std::size_t discard(std::size_t keep);
    // An empty queue keeps only the smallest buffer: for a subscriber gone
    // quiet after a burst.
    void trim();

  private:
    [[nodiscard]] std::size_t index(std::size_t i) const noexcept {
        return (head_ + i) & (capacity_ - 1);
    }
    void reallocate(std::size_t capacity);
    void after_removal();
    void note_level();
    [[nodiscard]] std::size_t high_messages() const noexcept;
    [[nodiscard]] std::size_t high_bytes() const noexcept;

    queue_limits limits_;
    std::unique_ptr<payload[]> slots_;
    std::uint32_t capacity_ = 0;  // 0 or a power of two
    std::uint32_t head_ = 0;
    std::uint32_t count_ = 0;
    std::uint32_t peak_ = 0;  // the largest count_ since the queue last emptied
    std::size_t bytes_ = 0;
    std::optional<backlog_tracker::entry> behind_;
};

}  // namespace hookbot::fanout
