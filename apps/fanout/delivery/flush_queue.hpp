#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <memory>
#include <vector>

#include "delivery/subscriber.hpp"

namespace hookbot::fanout {

// The subscribers of one io_context that have something to write, flushed in
// the order they asked by a single posted handler, a slice at a time: after
// `slice` of flushes the handler posts itself again, so the loop polls its
// sockets and runs what became ready (a publish to read, the acceptor's
// answer, the bus doorbell) before the next slice. Without slices a worker
// wrote to every subscriber before it looked at a socket again, and a
// publisher served by that worker (built-in TLS) waited a whole round of
// writes for each answer: nothing could run ahead, so nothing batched.
//
// An Asio service: one per io_context, found with use_service. It holds each
// scheduled subscriber alive until flushed, and lets go of them when the
// io_context shuts down.
class flush_queue final : public boost::asio::io_context::service {
  public:
    static boost::asio::io_context::id id;
    // How long a slice may last while this loop also reads and answers
    // clients' requests (HTTP over built-in TLS: a publisher's request, the
    // acceptor's answer and the response each wait for the slice under way).
    // In the tls-fanout bench (one publisher, 1000 subscribers), slices that
    // ended only every 8 flushes of ~12 us gave ~600 publishes/s (600k msgs/s);
    // 20 us slices 830-1060k.
    static constexpr std::chrono::microseconds answering_slice{20};
    // Otherwise: each slice ends in a turn of the event loop (a poll of
    // epoll); slices of 20 us cost plain fanout about 5 % of its msgs/s.
    static constexpr std::chrono::microseconds default_slice{100};

    // Held by each connection whose requests this loop reads and answers:
    // while one is, slices last answering_slice.
    class answering_client {
      public:
        explicit answering_client(flush_queue& queue) noexcept : queue_(queue) {
            ++queue_.answering_;
        }
        ~answering_client() { --queue_.answering_; }
        answering_client(const answering_client&) = delete;
        answering_client& operator=(const answering_client&) = delete;

      private:
        flush_queue& queue_;
    };

    explicit flush_queue(boost::asio::io_context& ioc);
    flush_queue(const flush_queue&) = delete;
    flush_queue& operator=(const flush_queue&) = delete;

    // Calls target->flush() in a later handler, after those scheduled before
    // it. The caller schedules a subscriber once until it is flushed.
    void schedule(std::shared_ptr<subscriber> target);
    // The same for work that must not delay anyone else's: target->flush()
    // runs only once no schedule()d flush waits, one at a time in the rest
    // of a slice. A resume's replay goes here: a thousand subscribers
    // replaying at once add at most a slice and one flush to a live
    // subscriber's wait, not a round of all of them.
    void schedule_background(std::shared_ptr<subscriber> target);

    // For tests: how long one slice may last without answering clients.
    void set_slice(std::chrono::microseconds slice) noexcept { slice_ = slice; }

  private:
    void shutdown() override;
    void post_slice();
    void run_slice();

    // Being flushed, from next_ on; what is scheduled meanwhile waits in
    // scheduled_ and is swapped in when flushing_ is done.
    std::vector<std::shared_ptr<subscriber>> flushing_;
    std::size_t next_ = 0;
    std::vector<std::shared_ptr<subscriber>> scheduled_;
    std::deque<std::shared_ptr<subscriber>> background_;
    std::chrono::microseconds slice_ = default_slice;
    std::size_t answering_ = 0;   // answering_client instances
    bool slice_pending_ = false;  // posted or running
};

}  // namespace hookbot::fanout
