#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <vector>

#include "subscriber.hpp"

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
    // Short: a publish over built-in TLS crosses this loop three times (its
    // request, the acceptor's answer, the response written), waiting for a
    // slice each time. In the tls-fanout bench, 250 us held the publisher to
    // ~420 publishes/s (417k msgs/s), 20 us to ~650; plain fanout measured
    // the same either way.
    static constexpr std::chrono::microseconds default_slice{20};

    explicit flush_queue(boost::asio::io_context& ioc);
    flush_queue(const flush_queue&) = delete;
    flush_queue& operator=(const flush_queue&) = delete;

    // Calls target->flush() in a later handler, after those scheduled before
    // it. The caller schedules a subscriber once until it is flushed.
    void schedule(std::shared_ptr<subscriber> target);

    // For tests: how long one slice may last.
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
    std::chrono::microseconds slice_ = default_slice;
    bool slice_pending_ = false;  // posted or running
};

}  // namespace hookbot::fanout
