#include "delivery/flush_queue.hpp"

#include <boost/asio/post.hpp>
#include <utility>

namespace hookbot::fanout {

boost::asio::io_context::id flush_queue::id;

flush_queue::flush_queue(boost::asio::io_context& ioc) : boost::asio::io_context::service(ioc) {}

void flush_queue::schedule(std::shared_ptr<subscriber> target) {
    scheduled_.push_back(std::move(target));
    if (!slice_pending_) post_slice();
}

void flush_queue::schedule_background(std::shared_ptr<subscriber> target) {
    background_.push_back(std::move(target));
    if (!slice_pending_) post_slice();
}

void flush_queue::post_slice() {
    slice_pending_ = true;
    boost::asio::post(get_io_context(), [this] { run_slice(); });
}

void flush_queue::run_slice() {
    using clock = std::chrono::steady_clock;
    // The clock is read after every flush: one costs microseconds (a write,
    // over TLS an encryption too), the clock tens of nanoseconds. Read every
    // 8 flushes, a slice over TLS lasted 100 us however short it was set.
    const auto end = clock::now() + (answering_ != 0 ? answering_slice : slice_);
    for (;;) {
        if (next_ == flushing_.size()) {
            flushing_.clear();
            next_ = 0;
            if (scheduled_.empty()) {
                if (background_.empty()) {
                    slice_pending_ = false;
                    return;
                }
                // Nothing else waits: one background flush, then look again.
                const std::shared_ptr<subscriber> target = std::move(background_.front());
                background_.pop_front();
                target->flush();
                if (clock::now() >= end) break;
                continue;
            }
            // What was scheduled meanwhile (by these flushes too) comes next.
            flushing_.swap(scheduled_);
        }
        const std::shared_ptr<subscriber> target = std::move(flushing_[next_++]);
        target->flush();
        if (clock::now() >= end) break;
    }
    post_slice();
}

void flush_queue::shutdown() {
    // Subscribers destroyed here must not find the queue half-cleared.
    std::vector<std::shared_ptr<subscriber>> flushing;
    std::vector<std::shared_ptr<subscriber>> scheduled;
    std::deque<std::shared_ptr<subscriber>> background;
    flushing.swap(flushing_);
    scheduled.swap(scheduled_);
    background.swap(background_);
    next_ = 0;
}

}  // namespace hookbot::fanout
