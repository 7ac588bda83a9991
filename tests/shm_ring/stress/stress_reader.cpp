#include "stress_reader.hpp"

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <thread>

#include "child.hpp"
#include "hookbot/shm_ring/bus_reader.hpp"
#include "hookbot/shm_ring/doorbell.hpp"

namespace hookbot::shm_ring::stress {
namespace {

// Every promise of bus_reader, checked on each record it returns.
class record_checker {
  public:
    record_checker(const payload_pool& pool, const bus& source, std::uint32_t slot)
        : pool_(pool), source_(source), slot_(slot) {}

    // Returns true at the end marker.
    bool check(const record_view& record) {
        ++accepted_;
        if (record.bus_seq <= last_bus_seq_) violation(record, "bus_seq did not increase");
        last_bus_seq_ = record.bus_seq;
        std::uint64_t& last = last_ring_seq_[record.shard];
        if (record.ring_seq <= last) violation(record, "ring_seq did not increase");
        ring_gaps_ += record.ring_seq - last - 1;
        last = record.ring_seq;
        if (record.shard != source_.shard_of(record.topic))
            violation(record, "record in the wrong shard");
        if (record.topic == end_topic) {
            std::memcpy(&total_, record.body.data(), std::min(record.body.size(), sizeof total_));
            if (record.bus_seq != total_ + 1) violation(record, "end marker has the wrong bus_seq");
            return true;
        }
        const body_check body = check_body(pool_, record.topic, record.body);
        if (!body.intact)
            violation(record, body.problem);
        else if (body.fields.seq != record.bus_seq)
            violation(record, "body seq differs from bus_seq");
        return false;
    }

    void finish(std::uint64_t lapped) {
        if (ring_gaps_ != lapped)
            report("ring_seq gaps " + std::to_string(ring_gaps_) + " != lapped " +
                   std::to_string(lapped));
        if (accepted_ + lapped != total_ + 1)
            report("accepted " + std::to_string(accepted_) + " + lapped " + std::to_string(lapped) +
                   " != records written " + std::to_string(total_ + 1));
    }

    [[nodiscard]] std::uint64_t accepted() const noexcept { return accepted_; }
    [[nodiscard]] std::uint64_t violations() const noexcept { return violations_; }

  private:
    void violation(const record_view& record, const std::string& what) {
        report(what + " (bus_seq " + std::to_string(record.bus_seq) + ", shard " +
               std::to_string(record.shard) + ", ring_seq " + std::to_string(record.ring_seq) +
               ")");
    }
    void report(const std::string& what) {
        if (++violations_ <= 5)
            std::fprintf(stderr, "reader %u: VIOLATION: %s\n", slot_, what.c_str());
    }

    const payload_pool& pool_;
    const bus& source_;
    std::uint32_t slot_;
    std::uint64_t accepted_ = 0;
    std::uint64_t last_bus_seq_ = 0;
    std::map<std::uint32_t, std::uint64_t> last_ring_seq_;
    std::uint64_t ring_gaps_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t violations_ = 0;
};

// Where this reader is, for /metrics in real life and for the writer's pacing
// (stress_writer) here.
void publish_progress(worker_slot& slot, std::uint64_t accepted, const bus_reader& reader) {
    slot.delivered.store(accepted, std::memory_order_relaxed);
    slot.lapped.store(reader.lapped_records(), std::memory_order_relaxed);
}

}  // namespace

int run_reader(const stress_config& config, const payload_pool& pool, std::uint32_t slot,
               int parent_socket) {
    const bool slow = slot == 0;
    const bus source = bus::open(config.instance, bus::access::reader);
    worker_slot& mine = source.slot(slot);
    mine.pid = ::getpid();
    bus_reader reader(source);
    doorbell bell(mine);
    send_fd(parent_socket, bell.fd(), slot);  // also says: ready, reading from the live tail

    record_checker checker(pool, source, slot);
    std::uint64_t sleeps = 0;
    const auto start = std::chrono::steady_clock::now();
    for (bool done = false; !done;) {
        if (const auto record = reader.next()) {
            done = checker.check(*record);
            if (checker.accepted() % 64 == 0) publish_progress(mine, checker.accepted(), reader);
            if (slow && checker.accepted() % config.slow_every == 0)
                std::this_thread::sleep_for(std::chrono::microseconds(config.slow_nap_us));
            continue;
        }
        if (!bell.prepare_to_sleep(reader)) continue;
        ++sleeps;
        pollfd entry{.fd = bell.fd(), .events = POLLIN, .revents = 0};
        ::poll(&entry, 1, 100);
        bell.consume();
    }
    checker.finish(reader.lapped_records());
    publish_progress(mine, checker.accepted(), reader);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "reader %u (%s): accepted %llu, lapped %llu, slept %llu times, %.2f s, %llu violations\n",
        slot, slow ? "slow" : "fast", static_cast<unsigned long long>(checker.accepted()),
        static_cast<unsigned long long>(reader.lapped_records()),
        static_cast<unsigned long long>(sleeps), seconds,
        static_cast<unsigned long long>(checker.violations()));
    return checker.violations() == 0 ? 0 : 1;
}

}  // namespace hookbot::shm_ring::stress
