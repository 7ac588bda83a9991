#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <list>

namespace hookbot::fanout {

// Which of a worker's subscriber queues are behind (over their high
// watermark, until they drain below their low one), and since when. The bus
// tailer reads no further records while some queue has been behind for less
// than `slow_after`: a subscriber that only lags for a moment holds the
// worker back (and so, through the acceptor's bus_room, the publishers)
// instead of losing messages. One that has written nothing for longer while
// behind is slow: it no longer holds anyone back and loses what overflows
// its queue, counted as before.
//
// Queues report their own transitions (subscriber_queue); one behind costs a
// list node while it is behind, nothing otherwise.
class backlog_tracker {
  public:
    using clock = std::chrono::steady_clock;

    // How long a queue may hold the worker back (fanout --slow-after).
    static constexpr std::chrono::milliseconds default_slow_after{500};

    // Identifies one queue's stretch of being behind.
    class entry {
      private:
        friend class backlog_tracker;
        std::list<clock::time_point>::iterator since_;
    };

    explicit backlog_tracker(clock::duration slow_after = default_slow_after)
        : slow_after_(slow_after) {}
    backlog_tracker(const backlog_tracker&) = delete;
    backlog_tracker& operator=(const backlog_tracker&) = delete;

    void set_slow_after(clock::duration slow_after) noexcept { slow_after_ = slow_after; }
    [[nodiscard]] clock::duration slow_after() const noexcept { return slow_after_; }

    [[nodiscard]] entry fell_behind(clock::time_point now = clock::now());
    // A queue still behind completed a write: it is not stuck, so its time
    // counts again from now. A subscriber is slow once it has written
    // nothing for slow_after while behind; one that keeps writing, however
    // slowly, paces the worker (and the publishers) instead of losing.
    void progressed(entry behind, clock::time_point now = clock::now());
    // The queue drained below its low watermark, or is gone.
    void caught_up(entry behind);

    // True while some queue has been behind for less than slow_after.
    [[nodiscard]] bool holding(clock::time_point now) const noexcept {
        // Entries are appended in time order: the newest is the last.
        return !behind_.empty() && now < behind_.back() + slow_after_;
    }
    [[nodiscard]] bool holding() const noexcept {
        return !behind_.empty() && holding(clock::now());
    }
    // When the current hold ends unless a queue catches up sooner.
    [[nodiscard]] clock::time_point hold_ends() const noexcept {
        return behind_.empty() ? clock::time_point{} : behind_.back() + slow_after_;
    }
    // Queues behind now, slow ones included.
    [[nodiscard]] std::size_t behind() const noexcept { return behind_.size(); }

    // Called after every catch-up (the tailer resumes if it was held).
    void on_caught_up(std::function<void()> callback) { on_caught_up_ = std::move(callback); }

  private:
    clock::duration slow_after_;
    std::list<clock::time_point> behind_;
    std::function<void()> on_caught_up_;
};

}  // namespace hookbot::fanout
