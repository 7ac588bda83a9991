#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hookbot/shm_ring/counters.hpp"
#include "hookbot/shm_ring/worker_slot.hpp"

// The shared-memory bus of docs/ARCHITECTURE.md: two Boost.Interprocess segments
// named after the instance, so two instances on one host never meet.
//
//   "hookbot.<instance>.rings"    header (magic, layout version, epoch, sizes)
//                                 + one ring per shard. The acceptor maps it
//                                 read-write (single writer); workers read-only.
//   "hookbot.<instance>.control"  the acceptor's and the supervisor's counters,
//                                 worker slots (pid, doorbell flag, counters).
//                                 Everyone maps it read-write; it holds nothing
//                                 a reader trusts for message data.
//   "hookbot.<instance>.blob.<epoch>.<bus_seq>"
//                                 one per large body (see layout.hpp), so that
//                                 a 25 MiB webhook needs no 100 MiB ring and
//                                 memory follows what is in flight.
namespace hookbot::shm_ring {

struct bus_options {
    std::uint32_t shards = 4;
    std::uint64_t ring_bytes = 16u << 20;  // per shard; a power of two
    // The largest publish body: 25 MiB, GitHub's cap on a webhook payload.
    std::uint64_t max_body_bytes = 25u << 20;
    // Bodies up to this size travel inside a ring record; larger ones in a
    // blob of their own. The largest record (header + a topic of up to
    // layout::max_topic_bytes + this body) must fit 4 times in a ring.
    std::uint64_t max_inline_body_bytes = 64u << 10;
    // The blobs' total size at most: the writer unlinks the oldest beyond it
    // (a reader that has not read them yet counts them lost). At least twice
    // max_body_bytes, so that a GitHub envelope (base64) of the largest body
    // fits. 128 MiB: three enveloped 25 MiB webhooks in flight.
    std::uint64_t blob_budget_bytes = 128u << 20;
    std::uint32_t worker_slots = 64;
    // Where the rings live: empty for shared memory; else a folder (--bus-dir)
    // holding them in a file, which create() reopens when it is there and
    // was made with the same options: same epoch, sequences go on, and what
    // it retains can be resumed from after a restart.
    std::string dir;
    // The epoch of a new bus; 0: a random one. Cluster mode gives the
    // stream's identity, so that message ids are the same on every host.
    // With `dir`, kept rings of another epoch are not reopened: the folder's
    // rings and blobs are replaced by a new bus.
    std::uint64_t epoch = 0;
};

class bus {
  public:
    enum class access { writer, reader };

    // Creates a fresh bus with a new epoch (options.epoch, else random), replacing any left over by
    // an earlier instance of the same name (the supervisor does this). The
    // returned bus holds the bus for its life: a second create of the same
    // instance meanwhile, from any process, throws std::runtime_error.
    // With options.dir, rings already in that folder are reopened instead
    // (same epoch, records kept); rings of another layout version, made with
    // other options, or corrupt are refused with std::runtime_error, never
    // half-read.
    static bus create(const std::string& instance, const bus_options& options);
    // Replaces this bus, which create() made, with a new one of `options`
    // (the same instance): what a process still maps of the old one stays
    // valid until it unmaps it. References to this object stay valid.
    void replace(const bus_options& options);
    // Maps an existing bus. Throws std::runtime_error naming the segment when
    // it is missing, or its magic or layout version do not match.
    // `dir`: the folder of the rings file, as bus_options::dir.
    static bus open(const std::string& instance, access mode, const std::string& dir = {});
    // Unlinks both segments and every blob in /dev/shm; mappings stay valid
    // until unmapped. A --bus-dir's rings file and blobs are never removed:
    // the next create() reopens and adopts them.
    static void remove(const std::string& instance) noexcept;
    // The rings file of `instance` in `dir`.
    static std::string rings_file(const std::string& dir, const std::string& instance);

    bus(bus&&) noexcept;
    bus& operator=(bus&&) noexcept;
    ~bus();

    [[nodiscard]] std::uint64_t epoch() const noexcept;
    [[nodiscard]] std::uint32_t shard_count() const noexcept;
    // The bus_seq of the first message appended (1 on a single host; a
    // cluster host's bus starts where the stream was): a resume from before
    // it missed messages this bus never had. 0 before the first append.
    [[nodiscard]] std::uint64_t first_bus_seq() const noexcept;
    // Every bus_seq up to this one was never on this bus (first_bus_seq() - 1;
    // 0 when none was skipped, or before the first append): those ids are
    // the stream's, not lost here.
    [[nodiscard]] std::uint64_t never_held_through() const noexcept {
        const std::uint64_t first = first_bus_seq();
        return first > 0 ? first - 1 : 0;
    }
    // A stable hash of the topic (same in every process and release).
    [[nodiscard]] std::uint32_t shard_of(std::string_view topic) const noexcept;
    [[nodiscard]] std::uint64_t max_body_bytes() const noexcept;
    [[nodiscard]] std::uint64_t max_inline_body_bytes() const noexcept;
    [[nodiscard]] std::uint64_t blob_budget_bytes() const noexcept;
    [[nodiscard]] const std::string& instance() const noexcept;
    [[nodiscard]] std::uint64_t ring_bytes() const noexcept;
    [[nodiscard]] std::uint32_t worker_slot_count() const noexcept;
    [[nodiscard]] worker_slot& slot(std::uint32_t index) const;
    // Written by the acceptor and the supervisor only (counters.hpp).
    [[nodiscard]] acceptor_counters& acceptor() const noexcept;
    [[nodiscard]] supervisor_counters& supervisor() const noexcept;

    // A shard's ring as /metrics shows it: bytes from its oldest intact record
    // to its committed end, of `ring_bytes()`.
    [[nodiscard]] std::uint64_t ring_fill_bytes(std::uint32_t shard) const;
    // The oldest message a shard's ring retains (nullopt: none, or it was
    // being overwritten just then): with the epoch, its bus_seq is the oldest
    // id a resume on that shard can start from.
    struct retained_message {
        std::uint64_t bus_seq;
        std::uint64_t unix_us;  // when it was written (counters.hpp, unix_time_us)
    };
    [[nodiscard]] std::optional<retained_message> oldest_retained(std::uint32_t shard) const;
    // Where a reader may start to read a shard's retained messages in
    // pieces of at most one resume-index block (layout.hpp), ascending
    // bus_seqs, the oldest retained message's first: what lets a search for
    // the newest message of a topic start from the end.
    [[nodiscard]] std::vector<std::uint64_t> index_bus_seqs(std::uint32_t shard) const;

    struct mapping;  // defined in the implementation
    [[nodiscard]] const mapping& mapped() const noexcept { return *mapping_; }

  private:
    explicit bus(std::unique_ptr<mapping> m) noexcept;
    std::unique_ptr<mapping> mapping_;
};

}  // namespace hookbot::shm_ring
