#include "hookbot/shm_ring/doorbell.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

#include "hookbot/posix/error.hpp"

namespace hookbot::shm_ring {

doorbell::doorbell(worker_slot& slot)
    : slot_(&slot),
      eventfd_(
          posix::check(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), "eventfd for a bus doorbell")) {}

bool doorbell::prepare_to_sleep(const bus_reader& reader) noexcept {
    // Dekker with the writer: it stores tail (seq_cst) then loads `sleeping`;
    // we store `sleeping` (seq_cst) then load the tails (seq_cst). One of the
    // two sees the other, so a commit never slips past a sleeping reader.
    announced_ = true;
    slot_->sleeping.store(1, std::memory_order_seq_cst);
    if (reader.has_pending()) {
        slot_->sleeping.store(0, std::memory_order_relaxed);
        return false;
    }
    return true;
}

void doorbell::consume() noexcept {
    // A woken reader consumes, catches up and consumes again before it next
    // sleeps: the second read would find nothing.
    if (!announced_) return;
    announced_ = false;
    std::uint64_t count = 0;
    while (::read(eventfd_.get(), &count, sizeof count) == -1 && errno == EINTR) {
    }
    // Woken or timed out, the reader is awake: withdraw the announcement.
    slot_->sleeping.store(0, std::memory_order_relaxed);
}

void ring_if_sleeping(worker_slot& slot, int eventfd) noexcept {
    if (slot.sleeping.load(std::memory_order_seq_cst) == 0) return;
    if (slot.sleeping.exchange(0, std::memory_order_seq_cst) == 0) return;
    const std::uint64_t one = 1;
    while (::write(eventfd, &one, sizeof one) == -1 && errno == EINTR) {
    }
}

void ring_if_serving(worker_slot& slot, int eventfd) noexcept {
    if (slot.subscribers.load(std::memory_order_seq_cst) == 0) return;
    ring_if_sleeping(slot, eventfd);
}

}  // namespace hookbot::shm_ring
