#include "delivery/backlog_tracker.hpp"

#include <algorithm>
#include <iterator>

namespace hookbot::fanout {

backlog_tracker::entry backlog_tracker::fell_behind(clock::time_point now) {
    // steady_clock does not go back, but callers may pass their own `now`:
    // keep the list in order whatever they pass.
    if (!behind_.empty()) now = std::max(now, behind_.back());
    entry made;
    made.since_ = behind_.insert(behind_.end(), now);
    return made;
}

void backlog_tracker::progressed(entry behind, clock::time_point now) {
    behind_.splice(behind_.end(), behind_, behind.since_);
    // Kept in time order: never earlier than the entry before it.
    if (behind.since_ != behind_.begin()) now = std::max(now, *std::prev(behind.since_));
    *behind.since_ = now;
}

void backlog_tracker::caught_up(entry behind) {
    behind_.erase(behind.since_);
    if (on_caught_up_) on_caught_up_();
}

}  // namespace hookbot::fanout
