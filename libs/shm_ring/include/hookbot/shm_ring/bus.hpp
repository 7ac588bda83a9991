#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hookbot/shm_ring/counters.hpp"

// The shared-memory bus of ARCHITECTURE.md: two Boost.Interprocess segments
// named after the instance, so two instances on one host never meet.
//
//   "hookbot.<instance>.rings"    header (magic, layout version, epoch, sizes)
//                                 + one ring per shard. The acceptor maps it
//                                 read-write (single writer); workers read-only.
//   "hookbot.<instance>.control"  the acceptor's and the supervisor's counters,
//                                 worker slots (pid, doorbell flag, counters).
//                                 Everyone maps it read-write; it holds nothing
//                                 a reader trusts for message data.
namespace hookbot::shm_ring {

struct bus_options {
    std::uint32_t shards = 4;
    std::uint64_t ring_bytes = 16u << 20;     // per shard; a power of two
    // The largest record (header + a topic of up to layout::max_topic_bytes +
    // this body) fits 4 times in a ring: 4 MiB - 32 KiB with 16 MiB rings.
    std::uint64_t max_body_bytes = (4u << 20) - (32u << 10);
    std::uint32_t worker_slots = 64;
};

// One per fanout worker, in the control segment. Written by that worker,
// read by the acceptor (load balancing, doorbell) and /status, /metrics.
struct worker_slot {
    std::atomic<std::int32_t> pid{0};          // 0: slot free
    std::atomic<std::uint32_t> sleeping{0};    // 1: reader waits on its eventfd
    std::atomic<std::uint64_t> subscribers{0}; // live subscribers
    std::atomic<std::uint64_t> delivered{0};   // messages queued to subscribers
    std::atomic<std::uint64_t> dropped{0};     // messages dropped for slow subscribers
    std::atomic<std::uint64_t> lapped{0};      // records lost to lapping
    worker_counters counters;                  // for /metrics (counters.hpp)
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

class bus {
public:
    enum class access { writer, reader };

    // Creates a fresh bus with a new random epoch, replacing any left over by
    // an earlier instance of the same name (the supervisor does this).
    static bus create(const std::string& instance, const bus_options& options);
    // Maps an existing bus. Throws std::runtime_error naming the segment when
    // it is missing, or its magic or layout version do not match.
    static bus open(const std::string& instance, access mode);
    // Unlinks both segments; mappings stay valid until unmapped.
    static void remove(const std::string& instance) noexcept;

    bus(bus&&) noexcept;
    bus& operator=(bus&&) noexcept;
    ~bus();

    [[nodiscard]] std::uint64_t epoch() const noexcept;
    [[nodiscard]] std::uint32_t shard_count() const noexcept;
    // A stable hash of the topic (same in every process and release).
    [[nodiscard]] std::uint32_t shard_of(std::string_view topic) const noexcept;
    [[nodiscard]] std::uint64_t max_body_bytes() const noexcept;
    [[nodiscard]] std::uint64_t ring_bytes() const noexcept;
    [[nodiscard]] std::uint32_t worker_slot_count() const noexcept;
    [[nodiscard]] worker_slot& slot(std::uint32_t index) const;
    // Written by the acceptor and the supervisor only (counters.hpp).
    [[nodiscard]] acceptor_counters& acceptor() const noexcept;
    [[nodiscard]] supervisor_counters& supervisor() const noexcept;

    // A shard's ring as /metrics shows it: bytes from its oldest intact record
    // to its committed end, of `ring_bytes()`.
    [[nodiscard]] std::uint64_t ring_fill_bytes(std::uint32_t shard) const;

    struct mapping;  // defined in the implementation
    [[nodiscard]] const mapping& mapped() const noexcept { return *mapping_; }

private:
    explicit bus(std::unique_ptr<mapping> m) noexcept;
    std::unique_ptr<mapping> mapping_;
};

}  // namespace hookbot::shm_ring
