#pragma once

#include "hookbot/posix/unique_fd.hpp"
#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"

// Waking idle readers without busy polling. Each reader (worker) owns an
// eventfd and announces in its worker_slot that it is about to sleep; the
// writer rings the eventfd only for slots that announced it. The flag store
// and the writer's commit are ordered Dekker-style (seq_cst on both sides), so
// a record committed while a reader goes to sleep always wakes it.
namespace hookbot::shm_ring {

class doorbell {
  public:
    // Creates a non-blocking eventfd for the reader of `slot`.
    explicit doorbell(worker_slot& slot);

    [[nodiscard]] int fd() const noexcept { return eventfd_.get(); }

    // Announces sleep. Returns true when the reader may now wait for fd() to
    // become readable; false (announcement withdrawn) when records arrived
    // meanwhile and the reader should keep reading.
    bool prepare_to_sleep(const bus_reader& reader) noexcept;

    // After waking, fd() readable or the wait timed out: resets the eventfd
    // counter and withdraws the announcement (a reader that woke by timeout
    // is not rung for nothing later). Reads the eventfd only if the reader
    // announced sleep since it last did: only then can a writer have rung.
    void consume() noexcept;

  private:
    worker_slot* slot_;
    posix::unique_fd eventfd_;
    // An announcement since the last read of the eventfd. True at first: the
    // slot may carry an announcement of the reader it had before.
    bool announced_ = true;
};

// Writer side, after a commit: rings `eventfd` if the slot's reader announced
// sleep (clearing the announcement). Cheap when nobody sleeps: one load.
void ring_if_sleeping(worker_slot& slot, int eventfd) noexcept;

// The acceptor's ring: as ring_if_sleeping, but only for a reader with
// subscribers. One without has nothing to deliver, so it is left asleep and
// lapped; it announces a joining subscriber (slot `subscribers`, seq_cst)
// before it catches up with the bus, so a commit either precedes that
// catch-up or finds the announcement and rings. Its laps are no loss (the
// fanout tailer does not count them) and it holds no blob back
// (blob_store::read_by_all).
void ring_if_serving(worker_slot& slot, int eventfd) noexcept;

}  // namespace hookbot::shm_ring
