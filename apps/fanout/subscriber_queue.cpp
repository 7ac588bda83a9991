#include "subscriber_queue.hpp"

#include <utility>

namespace hookbot::fanout {

push_result subscriber_queue::push(payload message) {
    const std::size_t size = message->bytes.size();
    const bool fits = items_.size() < limits_.max_messages &&
                      (items_.empty() || bytes_ + size <= limits_.max_bytes);
    if (!fits) {
        return limits_.overflow == overflow_policy::drop ? push_result::dropped
                                                          : push_result::overflow;
    }
    bytes_ += size;
    items_.push_back(std::move(message));
    return push_result::queued;
}

void subscriber_queue::pop() {
    bytes_ -= items_.front()->bytes.size();
    items_.pop_front();
}

std::size_t subscriber_queue::discard(bool keep_front) {
    const std::size_t keep = keep_front && !items_.empty() ? 1 : 0;
    const std::size_t discarded = items_.size() - keep;
    while (items_.size() > keep) {
        bytes_ -= items_.back()->bytes.size();
        items_.pop_back();
    }
    return discarded;
}

}  // namespace hookbot::fanout
