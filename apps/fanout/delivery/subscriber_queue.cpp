#include "delivery/subscriber_queue.hpp"

#include <algorithm>
#include <utility>

namespace hookbot::fanout {
namespace {

// The smallest buffer, and the one an emptied queue keeps: a subscriber that
// gets one message now and then does not allocate for each.
constexpr std::size_t min_capacity = 4;

// The high watermark: half of a bound, but at most this much. Whatever is
// queued over it is latency for every message behind it (a worker held back
// holds the publishers back), and a subscriber's socket buffer adds its own
// on top. Under a fast publisher a deeper queue lets each write carry more
// frames (fanout bench, 1000 subscribers: 33 frames per write at 64, 54 at
// 256, 0.71-0.78x the limit's msgs/s at 64, 0.87-0.91x at 256) for more
// delay (p50 42 -> 62-67 ms there); a publisher at a steady rate never
// fills it.
constexpr std::size_t watermark_messages = 256;
constexpr std::size_t watermark_bytes = 1u << 20;

}  // namespace

subscriber_queue::~subscriber_queue() {
    if (behind_ && limits_.tracker != nullptr) limits_.tracker->caught_up(*behind_);
}

push_result subscriber_queue::push(payload message) {
    const std::size_t size = message->bytes.size();
    const bool fits =
        count_ < limits_.max_messages && (count_ == 0 || bytes_ + size <= limits_.max_bytes);
    if (!fits) {
        return limits_.overflow == overflow_policy::drop ? push_result::dropped
                                                         : push_result::overflow;
    }
    if (count_ == capacity_) reallocate(std::max(min_capacity, std::size_t{capacity_} * 2));
    slots_[index(count_)] = std::move(message);
    ++count_;
    peak_ = std::max(peak_, count_);
    bytes_ += size;
    note_level();
    return push_result::queued;
}

void subscriber_queue::pop(std::size_t n) {
    if (n == 0) return;
    for (; n != 0; --n) {
        payload& first = slots_[head_];
        bytes_ -= first->bytes.size();
        first.reset();
        head_ = static_cast<std::uint32_t>(index(1));
        --count_;
    }
    // A write completed: a queue still behind is slow, but not stuck.
    if (behind_ && limits_.tracker != nullptr) limits_.tracker->progressed(*behind_);
    after_removal();
}

std::size_t subscriber_queue::discard(std::size_t keep) {
    keep = std::min<std::size_t>(keep, count_);
    const std::size_t discarded = count_ - keep;
    while (count_ > keep) {
        payload& last = slots_[index(count_ - 1)];
        bytes_ -= last->bytes.size();
        last.reset();
        --count_;
    }
    after_removal();
    return discarded;
}

void subscriber_queue::reallocate(std::size_t capacity) {
    auto moved = std::make_unique<payload[]>(capacity);
    for (std::size_t i = 0; i < count_; ++i) moved[i] = std::move(slots_[index(i)]);
    slots_ = std::move(moved);
    capacity_ = static_cast<std::uint32_t>(capacity);
    head_ = 0;
}

void subscriber_queue::after_removal() {
    // A busy subscriber's queue fills between two writes and each write
    // empties it. Sized when it empties, by the most it held since it last
    // emptied, with a quarter as hysteresis, it keeps its buffer from one
    // write to the next even when a write is partial.
    if (count_ == 0) {
        std::size_t fitting = capacity_;
        while (fitting > min_capacity && peak_ <= fitting / 4) fitting /= 2;
        if (fitting != capacity_) reallocate(fitting);
        peak_ = 0;
    }
    note_level();
}

void subscriber_queue::trim() {
    if (count_ == 0 && capacity_ > min_capacity) reallocate(min_capacity);
}

std::size_t subscriber_queue::high_messages() const noexcept {
    return std::min(limits_.max_messages / 2, watermark_messages);
}

std::size_t subscriber_queue::high_bytes() const noexcept {
    return std::min(limits_.max_bytes / 2, watermark_bytes);
}

bool subscriber_queue::has_replay_room() const noexcept {
    // An empty queue takes one message whatever its size, as push() does.
    return count_ == 0 || (count_ < high_messages() / 2 && bytes_ < high_bytes() / 2);
}

void subscriber_queue::note_level() {
    backlog_tracker* tracker = limits_.tracker;
    if (tracker == nullptr) return;
    const std::size_t high_messages = this->high_messages();
    const std::size_t high_bytes = this->high_bytes();
    if (!behind_) {
        if (count_ > high_messages || bytes_ > high_bytes) behind_ = tracker->fell_behind();
    } else if (count_ <= high_messages / 2 && bytes_ <= high_bytes / 2) {
        const backlog_tracker::entry caught_up = *behind_;
        behind_.reset();
        tracker->caught_up(caught_up);
    }
}

}  // namespace hookbot::fanout
