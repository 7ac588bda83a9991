#include "control/slot_claim.hpp"

#include <unistd.h>

#include <stdexcept>
#include <string>

#include "hookbot/posix/log.hpp"
#include "hookbot/posix/process.hpp"

namespace hookbot::fanout {
namespace {

// A slot whose holder no longer exists: a worker that attached and crashed
// (its supervisor, systemd, starts a new one that may land elsewhere).
// serve's own slots never look like this for long: the supervisor reserves a
// dead child's slot again as soon as it reaps it.
bool holder_is_gone(std::int32_t pid) {
    return posix::process_is_gone(pid);
}

}  // namespace

slot_claim::slot_claim(const shm_ring::bus& bus, std::optional<std::uint32_t> wanted, pid_t pid)
    : pid_(pid) {
    const std::uint32_t count = bus.worker_slot_count();
    if (wanted) {
        if (*wanted >= count) {
            throw std::out_of_range("slot " + std::to_string(*wanted) +
                                    " does not exist (the bus has " + std::to_string(count) + ")");
        }
        index_ = *wanted;
        slot_ = &bus.slot(index_);
        // Two workers on one slot would share its doorbell and counters, and
        // one of them could sleep with records waiting: take it only from
        // the supervisor's reservation (its pid), or from a holder that is gone.
        std::int32_t holder = slot_->pid.load(std::memory_order_acquire);
        const auto ours_to_take = [&] {
            return holder == 0 || holder == pid || holder == ::getppid() || holder_is_gone(holder);
        };
        for (;;) {
            if (!ours_to_take()) {
                throw std::runtime_error("slot " + std::to_string(index_) + " is held by pid " +
                                         std::to_string(holder) +
                                         ", which still runs: one worker per slot");
            }
            if (slot_->pid.compare_exchange_weak(holder, pid, std::memory_order_acq_rel)) break;
        }
        if (holder != 0 && holder != pid && holder != ::getppid()) {
            log::info("slot ", index_, " was held by pid ", holder,
                      ", which is gone; taking it over");
        }
    } else {
        for (index_ = 0; index_ < count; ++index_) {
            std::int32_t holder = bus.slot(index_).pid.load(std::memory_order_acquire);
            if (holder != 0 && !holder_is_gone(holder)) continue;
            if (bus.slot(index_).pid.compare_exchange_strong(holder, pid)) break;
        }
        if (index_ == count) {
            throw std::runtime_error("every one of the bus's " + std::to_string(count) +
                                     " worker slots is taken");
        }
        slot_ = &bus.slot(index_);
    }
    slot_->subscribers.store(0, std::memory_order_relaxed);
    slot_->sleeping.store(0, std::memory_order_relaxed);
}

slot_claim::~slot_claim() {
    slot_->subscribers.store(0, std::memory_order_relaxed);
    slot_->sleeping.store(0, std::memory_order_relaxed);
    std::int32_t expected = pid_;
    slot_->pid.compare_exchange_strong(expected, 0);  // unless someone took it over meanwhile
}

}  // namespace hookbot::fanout
