#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <type_traits>

// The layout depends on the structs that live in the segments and on
// nothing above them (not on bus.hpp, which is built on this file).
#include "hookbot/shm_ring/counters.hpp"
#include "hookbot/shm_ring/worker_slot.hpp"

// The bytes of the bus, and nothing else: structs, sizes and offsets that every
// process mapping the segments agrees on. The algorithms live in ring_writer,
// ring_reader and bus. Bump `layout_version` on any change to this file.
//
// Segment "hookbot.<instance>.rings": the writer maps it read-write, readers
// read-only.
//
//    0                                                             128
//    +---------------------------------------------------------------+
//    | bus_header: magic · layout_version · shard_count · epoch ·    |
//    |             ring_bytes · max_body_bytes · max_topic_bytes ·   |
//    |             record_header_bytes · ring_stride ·               |
//    |             max_inline_body_bytes · blob_budget_bytes         |
//    +---------------------------------------------------------------+ 128
//    | ring 0 | ring_header (2432 bytes, one field per 128 bytes)    |
//    |        |   +0    head         oldest intact record            |
//    |        |   +128  tail_intent  the writer's claim, monotonic   |
//    |        |   +256  tail         committed end (publish store)   |
//    |        |   +384  resume_index 256 positions, see below        |
//    |        +------------------------------------------------------+ 128 + 2432
//    |        | data: ring_bytes (a power of two) of records         |
//    +---------------------------------------------------------------+ 128 + ring_stride
//    | ring 1 | ...                                                  |
//    +---------------------------------------------------------------+
//
// Positions (head, tail_intent, tail) are 64-bit byte counts that never wrap;
// a position's offset in the data area is `position & (ring_bytes - 1)`.
// Always head <= tail <= tail_intent; after a writer crash the dead writer's
// larger intent stays until a new writer passes it (intent never decreases).
//
// resume_index: the data area is cut into resume_index_entries blocks of
// ring_bytes / resume_index_entries bytes. Entry `block % entries` holds the
// position of the first message record the writer committed in `block`,
// stored after the commit. A hint only: an entry below head is stale, and a
// reader checks the record it names like any other. With it, a resume finds
// its start by reading a few headers and walking at most one block, not
// every record retained before it (docs/ARCHITECTURE.md, "Resume").
//
// A record, 8-byte aligned, never straddling the end of the data area:
//
//    0         4         8         12        16        20        24
//    +---------+---------+---------+---------+---------+---------+
//    | length  | type    | flags   | topic_  | body_   | commit_ |
//    |         |         |         | length  | length  | us      |
//    +---------+---------+---------+---------+---------+---------+
//   24                   32                  40                  48
//    +-------------------+-------------------+-------------------+-----------------+
//    | ring_seq          | bus_seq           | unix_us           | topic · body ·  |
//    |                   |                   |                   | 0-pad to 8      |
//    +-------------------+-------------------+-------------------+-----------------+
//
//   length  header + topic + body, unpadded; the record occupies
//           align8(length) bytes.
//   type    message, or padding: a filler from its position to the end of the
//           data area, written when the next record would not fit there. Only
//           its first 8 bytes (length, type) are meaningful, so it may be as
//           short as 8 bytes.
//   flags   the publisher's flags, and record_flag_blob: the body is then a
//           blob_reference, and the message's bytes are in a blob segment.
//   commit_us  CLOCK_MONOTONIC in microseconds modulo 2^32 when the writer
//           wrote the record (counters.hpp, monotonic_us32): workers measure
//           publish-to-write latency from it.
//   unix_us  CLOCK_REALTIME in microseconds since the Unix epoch at the same
//           moment: how old the oldest retained message is (/metrics).
//
// Segment "hookbot.<instance>.blob.<epoch, 16 hex digits>.<bus_seq>", one per
// message whose body is larger than max_inline_body_bytes: exactly the body's
// bytes, nothing else. In /dev/shm, or beside the rings file of a bus kept in
// a --bus-dir (blob_names.hpp). The writer creates it under that name, writes it, makes
// it read-only and only then commits the record that refers to it, so a blob
// a committed record names is never written again; a dead writer's unfinished
// blob is named after a bus_seq no committed record carries (the next writer
// removes it). The writer unlinks a blob once its record has left its ring
// (head passed it), or, oldest first, when the blobs' total would exceed
// blob_budget_bytes. A reader that finds it gone counts the
// message as lost.
//
//    0                  8                  16
//    +------------------+------------------+
//    | blob_bytes       | epoch            |   blob_reference: a blob
//    +------------------+------------------+   record's body
//
// Segment "hookbot.<instance>.control": everyone maps it read-write.
//
//    0                                128                512
//    +--------------------------------+------------------+------------------+
//    | control_header: magic ·        | acceptor_counters| supervisor_      |
//    | layout_version · slot count ·  | (the acceptor's  | counters         |
//    | epoch (= the rings' epoch)     | only, its cluster| (+ padding)      |
//    |                                | link's included; |                  |
//    |                                | + padding)       |                  |
//    +--------------------------------+------------------+------------------+
//   640                  640 + 832            640 + 2 × 832
//    +--------------------+--------------------+----
//    | slot 0             | slot 1             | ...
//    | worker_slot: pid · | (832 bytes each)   |
//    | sleeping · load ·  |                    |
//    | blob_read_bus_seq ·|                    |
//    | worker_counters    |                    |
//    | + padding          |                    |
//    +--------------------+--------------------+----
//
// Each area has one writer: the acceptor, the supervisor, the slot's worker
// (counters.hpp). The counters are never reset while the bus lives, so they
// survive a restart of the process that writes them. A slot's
// blob_read_bus_seq: the worker has read every record up to this bus_seq
// (the acceptor's flow control holds publishers back rather than lap it).

namespace hookbot::shm_ring::layout {

inline constexpr std::uint64_t rings_magic = 0x317375626b6f6f68ULL;    // "hookbus1" LE
inline constexpr std::uint64_t control_magic = 0x316c74636b6f6f68ULL;  // "hookctl1" LE
inline constexpr std::uint32_t layout_version = 6;

inline constexpr std::size_t cache_line = 64;
// Fields written by different parties sit this far apart: two cache lines, so
// the adjacent-line prefetcher does not make them share anyway.
inline constexpr std::size_t field_stride = 128;

// Limits create() enforces (bus_options are checked against them).
inline constexpr std::uint32_t max_shards = 1024;
inline constexpr std::uint32_t max_worker_slots = 4096;
inline constexpr std::uint64_t min_ring_bytes = 4096;
inline constexpr std::uint64_t max_ring_bytes = std::uint64_t{1} << 30;
// The largest topic a record may carry; part of every record-size limit.
inline constexpr std::uint32_t max_topic_bytes = 16u << 10;
// The largest body, inline or in a blob (a record's body_length is 32 bits).
inline constexpr std::uint64_t largest_body_bytes = 1u << 30;
// The largest record fits this many times in a ring (keeps a reader's slack,
// and guarantees a padding record plus the record after it fit in one ring).
inline constexpr std::uint64_t records_per_ring_min = 4;

struct bus_header {
    std::atomic<std::uint64_t> magic;  // stored last, with release, by create()
    std::uint32_t layout_version;
    std::uint32_t shard_count;
    std::uint64_t epoch;
    std::uint64_t ring_bytes;
    std::uint64_t max_body_bytes;  // the largest publish body (inline or blob)
    std::uint32_t max_topic_bytes;
    std::uint32_t record_header_bytes;
    std::uint64_t ring_stride;            // ring_header + ring_bytes
    std::uint64_t max_inline_body_bytes;  // larger bodies go to blobs
    std::uint64_t blob_budget_bytes;      // the blobs' total, at most
    // The bus_seq of the first message ever appended (0: none yet, or a bus
    // older than the field, which started at 1). A cluster host's bus
    // starts where the stream was when it joined: ids before this one were
    // never on it.
    std::atomic<std::uint64_t> first_bus_seq;
    std::byte reserved[48];
};

// Entries of a ring's resume index (a power of two).
inline constexpr std::size_t resume_index_entries = 256;

struct ring_header {
    alignas(field_stride) std::atomic<std::uint64_t> head;
    alignas(field_stride) std::atomic<std::uint64_t> tail_intent;
    alignas(field_stride) std::atomic<std::uint64_t> tail;
    // Written by the writer only, read by resuming readers.
    alignas(field_stride) std::atomic<std::uint64_t> resume_index[resume_index_entries];
};

struct control_header {
    std::atomic<std::uint64_t> magic;  // stored last, with release, by create()
    std::uint32_t layout_version;
    std::uint32_t worker_slot_count;
    std::uint64_t epoch;
    std::byte reserved[104];
};

struct alignas(field_stride) padded_acceptor_counters {
    acceptor_counters counters;
};
struct alignas(field_stride) padded_supervisor_counters {
    supervisor_counters counters;
};
struct alignas(cache_line) padded_worker_slot {
    worker_slot slot;
};

enum class record_type : std::uint32_t { message = 1, padding = 2 };

// In record_header::flags: the body is a blob_reference. The highest bit, far
// from the flags publishers pass through.
inline constexpr std::uint32_t record_flag_blob = 1u << 31;

struct blob_reference {
    std::uint64_t blob_bytes;  // the message body's length, the blob's size
    std::uint64_t epoch;       // the bus epoch, also part of the blob's name
};

struct record_header {
    std::uint32_t length;
    record_type type;
    std::uint32_t flags;
    std::uint32_t topic_length;
    std::uint32_t body_length;
    std::uint32_t commit_us;
    std::uint64_t ring_seq;
    std::uint64_t bus_seq;
    std::uint64_t unix_us;
};

// The part of a record header every record, padding included, carries.
inline constexpr std::size_t record_prefix_bytes = 8;
inline constexpr std::size_t record_alignment = 8;

constexpr std::uint64_t align_record(std::uint64_t bytes) noexcept {
    return (bytes + record_alignment - 1) & ~std::uint64_t{record_alignment - 1};
}
// Bytes a message record with these lengths occupies in the data area.
constexpr std::uint64_t record_bytes(std::uint64_t topic_length,
                                     std::uint64_t body_length) noexcept {
    return align_record(sizeof(record_header) + topic_length + body_length);
}
constexpr std::uint64_t max_record_bytes(std::uint64_t max_body_bytes) noexcept {
    return record_bytes(max_topic_bytes, max_body_bytes);
}

inline constexpr std::size_t bus_header_offset = 0;
inline constexpr std::size_t first_ring_offset = sizeof(bus_header);
constexpr std::uint64_t ring_stride(std::uint64_t ring_bytes) noexcept {
    return sizeof(ring_header) + ring_bytes;
}
constexpr std::uint64_t ring_header_offset(std::uint32_t shard, std::uint64_t ring_bytes) noexcept {
    return first_ring_offset + shard * ring_stride(ring_bytes);
}
constexpr std::uint64_t ring_data_offset(std::uint32_t shard, std::uint64_t ring_bytes) noexcept {
    return ring_header_offset(shard, ring_bytes) + sizeof(ring_header);
}
constexpr std::uint64_t rings_segment_bytes(std::uint32_t shards,
                                            std::uint64_t ring_bytes) noexcept {
    return first_ring_offset + shards * ring_stride(ring_bytes);
}

inline constexpr std::size_t acceptor_counters_offset = sizeof(control_header);
inline constexpr std::size_t supervisor_counters_offset =
    acceptor_counters_offset + sizeof(padded_acceptor_counters);
inline constexpr std::size_t first_slot_offset =
    supervisor_counters_offset + sizeof(padded_supervisor_counters);
constexpr std::uint64_t control_segment_bytes(std::uint32_t slots) noexcept {
    return first_slot_offset + std::uint64_t{slots} * sizeof(padded_worker_slot);
}

// --- The agreement, checked -------------------------------------------------
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(sizeof(std::atomic<std::uint64_t>) == 8);

static_assert(std::is_standard_layout_v<bus_header>);
static_assert(offsetof(bus_header, magic) == 0);
static_assert(offsetof(bus_header, layout_version) == 8);
static_assert(offsetof(bus_header, shard_count) == 12);
static_assert(offsetof(bus_header, epoch) == 16);
static_assert(offsetof(bus_header, ring_bytes) == 24);
static_assert(offsetof(bus_header, max_body_bytes) == 32);
static_assert(offsetof(bus_header, max_topic_bytes) == 40);
static_assert(offsetof(bus_header, record_header_bytes) == 44);
static_assert(offsetof(bus_header, ring_stride) == 48);
static_assert(offsetof(bus_header, max_inline_body_bytes) == 56);
static_assert(offsetof(bus_header, blob_budget_bytes) == 64);
static_assert(offsetof(bus_header, first_bus_seq) == 72);
static_assert(sizeof(bus_header) == 128);

static_assert(std::is_standard_layout_v<ring_header>);
static_assert(offsetof(ring_header, head) == 0);
static_assert(offsetof(ring_header, tail_intent) == 128);
static_assert(offsetof(ring_header, tail) == 256);
static_assert(offsetof(ring_header, resume_index) == 384);
static_assert(sizeof(ring_header) == 2432);
static_assert(first_ring_offset % field_stride == 0);

static_assert(std::is_standard_layout_v<control_header>);
static_assert(offsetof(control_header, magic) == 0);
static_assert(offsetof(control_header, layout_version) == 8);
static_assert(offsetof(control_header, worker_slot_count) == 12);
static_assert(offsetof(control_header, epoch) == 16);
static_assert(sizeof(control_header) == 128);

static_assert(std::is_standard_layout_v<worker_slot>);
static_assert(offsetof(worker_slot, pid) == 0);
static_assert(offsetof(worker_slot, sleeping) == 4);
static_assert(offsetof(worker_slot, subscribers) == 8);
static_assert(offsetof(worker_slot, delivered) == 16);
static_assert(offsetof(worker_slot, dropped) == 24);
static_assert(offsetof(worker_slot, lapped) == 32);
static_assert(offsetof(worker_slot, blob_read_bus_seq) == 40);
static_assert(offsetof(worker_slot, counters) == 48);
static_assert(sizeof(padded_worker_slot) == 832);
static_assert(std::is_standard_layout_v<acceptor_counters>);
static_assert(std::is_standard_layout_v<supervisor_counters>);
static_assert(std::is_standard_layout_v<worker_counters>);
static_assert(sizeof(padded_acceptor_counters) == 384);
static_assert(sizeof(padded_supervisor_counters) == 128);
static_assert(acceptor_counters_offset == 128);
static_assert(supervisor_counters_offset == 512);
static_assert(first_slot_offset == 640);

static_assert(std::is_trivially_copyable_v<record_header>);
static_assert(std::is_standard_layout_v<record_header>);
static_assert(offsetof(record_header, length) == 0);
static_assert(offsetof(record_header, type) == 4);
static_assert(offsetof(record_header, flags) == 8);
static_assert(offsetof(record_header, topic_length) == 12);
static_assert(offsetof(record_header, body_length) == 16);
static_assert(offsetof(record_header, commit_us) == 20);
static_assert(offsetof(record_header, ring_seq) == 24);
static_assert(offsetof(record_header, bus_seq) == 32);
static_assert(offsetof(record_header, unix_us) == 40);
static_assert(sizeof(record_header) == 48);
static_assert(sizeof(record_header) % record_alignment == 0);
static_assert(record_prefix_bytes == offsetof(record_header, flags));

static_assert(std::is_trivially_copyable_v<blob_reference>);
static_assert(offsetof(blob_reference, blob_bytes) == 0);
static_assert(offsetof(blob_reference, epoch) == 8);
static_assert(sizeof(blob_reference) == 16);

}  // namespace hookbot::shm_ring::layout
