#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <vector>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/doorbell.hpp"
#include "topics/subscriptions.hpp"
#include "topics/topic_index.hpp"

namespace hookbot::fanout {

// Tails every ring of the bus and hands each record to the subscribers whose
// topic matches, in bus order. Reads at most `batch` records per turn of the
// event loop, so that sockets are served between batches; sleeps on the
// worker's eventfd doorbell when the bus is idle (no polling).
//
// Flow control: while a subscriber's queue is behind and has been for less
// than --slow-after (registry.backlog()), the tailer reads nothing more. Its
// slot's blob_read_bus_seq then stays put, and the acceptor (bus_room) holds
// publishers back instead of lapping this worker. It resumes when the
// queues catch up or that time has passed.
class bus_tailer {
  public:
    static constexpr std::size_t batch = 256;

    bus_tailer(boost::asio::io_context& ioc, const shm_ring::bus& source,
               shm_ring::worker_slot& slot, subscriptions& registry);
    ~bus_tailer();
    bus_tailer(const bus_tailer&) = delete;
    bus_tailer& operator=(const bus_tailer&) = delete;

    // The eventfd the acceptor rings: sent to it with hello.
    [[nodiscard]] int doorbell_fd() const noexcept { return doorbell_.fd(); }

    void start();
    void stop();

    // Delivers every record committed so far, now. Called before a new
    // subscriber joins, so that it receives nothing committed before it;
    // announces it first (subscriptions::announce_joining), so that what is
    // committed after this catch-up wakes the worker. Without subscribers,
    // skips to the live end of the bus instead: nobody here could receive
    // what is there, and a worker without subscribers is not woken to read,
    // so that may be a whole ring.
    void drain_committed();

  private:
    void schedule();
    void on_turn();
    void on_doorbell(const boost::system::error_code& ec);
    // A subscriber is behind: wait for it to catch up or to turn slow.
    void hold();
    void end_hold();
    // Delivers one record; false when the bus had none ready.
    bool deliver_next();
    void skip_to_live_end();
    // Mirrors the reader's lapped records in the slot; a jump is one event.
    void count_lapped() noexcept;

    boost::asio::io_context& ioc_;
    const shm_ring::bus& source_;
    shm_ring::bus_reader reader_;
    shm_ring::doorbell doorbell_;
    boost::asio::posix::stream_descriptor bell_;  // a dup of the doorbell's eventfd
    boost::asio::steady_timer hold_timer_;        // when the current hold ends
    shm_ring::worker_slot& slot_;
    subscriptions& registry_;
    std::vector<topic_index::match> matches_;  // reused: no allocation per record
    std::uint64_t lapped_before_;              // the slot's count when this reader started
    std::uint64_t lapped_seen_ = 0;
    // Of those, lost while the worker had no subscriber: nobody's loss.
    std::uint64_t lapped_unowned_ = 0;
    bool scheduled_ = false;  // a turn is posted, a doorbell wait or a hold is armed
    bool held_ = false;       // waiting for a behind subscriber (hold)
    bool stopped_ = false;
    bool doorbell_failed_ = false;
};

}  // namespace hookbot::fanout
