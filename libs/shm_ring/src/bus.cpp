#include "hookbot/shm_ring/bus.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>

#include "blob_names.hpp"
#include "bus_checks.hpp"
#include "bus_mapping.hpp"
#include "hookbot/shm_ring/layout.hpp"
#include "ring_walk.hpp"

namespace hookbot::shm_ring {
namespace {

std::string rings_name(const std::string& instance) {
    return "hookbot." + instance + ".rings";
}
std::string control_name(const std::string& instance) {
    return "hookbot." + instance + ".control";
}

std::uint64_t random_epoch() {
    std::random_device device;
    std::uint64_t epoch = 0;
    while (epoch == 0) epoch = (std::uint64_t{device()} << 32) | device();
    return epoch;
}

void write_rings_header(detail::shm_segment& rings, const bus_options& options,
                        std::uint64_t epoch) {
    auto* header = std::construct_at(reinterpret_cast<layout::bus_header*>(rings.data()));
    header->layout_version = layout::layout_version;
    header->shard_count = options.shards;
    header->epoch = epoch;
    header->ring_bytes = options.ring_bytes;
    header->max_body_bytes = options.max_body_bytes;
    header->max_topic_bytes = layout::max_topic_bytes;
    header->record_header_bytes = sizeof(layout::record_header);
    header->ring_stride = layout::ring_stride(options.ring_bytes);
    header->max_inline_body_bytes = options.max_inline_body_bytes;
    header->blob_budget_bytes = options.blob_budget_bytes;
    for (std::uint32_t shard = 0; shard < options.shards; ++shard)
        std::construct_at(reinterpret_cast<layout::ring_header*>(
            rings.data() + layout::ring_header_offset(shard, options.ring_bytes)));
    // Last: open() trusts nothing above until it sees the magic.
    header->magic.store(layout::rings_magic, std::memory_order_release);
}

void write_control_header(detail::shm_segment& control, const bus_options& options,
                          std::uint64_t epoch) {
    auto* header = std::construct_at(reinterpret_cast<layout::control_header*>(control.data()));
    header->layout_version = layout::layout_version;
    header->worker_slot_count = options.worker_slots;
    header->epoch = epoch;
    std::construct_at(reinterpret_cast<layout::padded_acceptor_counters*>(
        control.data() + layout::acceptor_counters_offset));
    std::construct_at(reinterpret_cast<layout::padded_supervisor_counters*>(
        control.data() + layout::supervisor_counters_offset));
    auto* slots =
        reinterpret_cast<layout::padded_worker_slot*>(control.data() + layout::first_slot_offset);
    for (std::uint32_t i = 0; i < options.worker_slots; ++i) std::construct_at(&slots[i]);
    header->magic.store(layout::control_magic, std::memory_order_release);
}

// FNV-1a, 64 bits: stable across processes, releases and platforms.
std::uint64_t topic_hash(std::string_view topic) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : topic) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

// The process that created a bus holds a lock on its control segment for
// its life (hookbot serve, the supervisor): a second create of the same
// instance would pull the bus from under the first server's children.
void refuse_a_bus_in_use(const std::string& instance) {
    std::optional<detail::shm_segment> control;
    try {
        control.emplace(detail::shm_segment::open(control_name(instance),
                                                  detail::shm_segment::mode::read_write));
    } catch (const std::runtime_error&) {
        return;  // none there, or not ours to map: nothing runs on it
    }
    if (!control->try_lock()) {
        throw std::runtime_error("bus \"" + instance +
                                 "\" is in use: the process that created it still runs "
                                 "(one hookbot serve per bus)");
    }
}

// The rings file a --bus-dir holds, reopened: the same epoch and records, as
// long as it is a bus of this layout made with these options. Whatever a
// dead writer left half-written is the next writer's to pass over
// (bus_writer). nullopt when there is no file.
std::optional<detail::shm_segment> reopen_rings(const std::string& path,
                                                const bus_options& options) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    const auto bytes = std::filesystem::file_size(path, ec);
    if (ec || bytes < sizeof(layout::bus_header)) {
        throw std::runtime_error("bus file " + path + ": " +
                                 (ec ? ec.message() : std::to_string(bytes) + " bytes") +
                                 ", not a bus; it is not reopened: move it away to start a new "
                                 "bus there");
    }
    auto rings = detail::shm_segment::open_file(path, detail::shm_segment::mode::read_write);
    try {
        detail::check_rings_segment(rings);
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(std::string(e.what()) +
                                 "; it is not reopened: move it away to start a new bus there");
    }
    detail::check_same_options(rings, options);
    return rings;
}

// A --bus-dir's rings file and blobs, removed for a bus of another epoch.
void discard_kept_bus(const std::string& dir, const std::string& instance) {
    const std::string folder = detail::blob_folder(dir);
    for (const detail::blob_name_parts& blob : detail::list_blobs(folder, instance))
        detail::remove_blob(folder, blob.name);
    std::filesystem::remove(bus::rings_file(dir, instance));
}

}  // namespace

namespace {

const_ring_span ring_of(const bus::mapping& mapped, std::uint32_t shard) {
    if (shard >= mapped.shard_count())
        throw std::out_of_range("bus shard " + std::to_string(shard) + " of " +
                                std::to_string(mapped.shard_count()));
    return mapped.const_ring(shard);
}

}  // namespace

std::string bus::rings_file(const std::string& dir, const std::string& instance) {
    return (std::filesystem::path(dir) / rings_name(instance)).string();
}

bus bus::create(const std::string& instance, const bus_options& options) {
    detail::check_instance_name(instance);
    detail::check_options(options);
    refuse_a_bus_in_use(instance);
    // Blobs in a --bus-dir are the next writer's to adopt or remove
    // (blob_store), by their epoch and bus_seq; those in /dev/shm go here.
    remove(instance);
    const std::uint64_t rings_bytes =
        layout::rings_segment_bytes(options.shards, options.ring_bytes);
    std::optional<detail::shm_segment> kept;
    if (!options.dir.empty()) kept = reopen_rings(rings_file(options.dir, instance), options);
    if (kept && options.epoch != 0 &&
        reinterpret_cast<const layout::bus_header*>(kept->data())->epoch != options.epoch) {
        kept.reset();
        discard_kept_bus(options.dir, instance);
    }
    // Reopened rings keep their epoch and records; new ones get a header
    // once the control segment is locked.
    const bool fresh = !kept;
    const std::uint64_t epoch =
        fresh ? (options.epoch != 0 ? options.epoch : random_epoch())
              : reinterpret_cast<const layout::bus_header*>(kept->data())->epoch;
    auto rings =
        !fresh ? std::move(*kept)
        : options.dir.empty()
            ? detail::shm_segment::create(rings_name(instance), rings_bytes)
            : detail::shm_segment::create_file(rings_file(options.dir, instance), rings_bytes);
    auto control = detail::shm_segment::create(control_name(instance),
                                               layout::control_segment_bytes(options.worker_slots));
    if (!control.try_lock()) {
        throw std::runtime_error("bus \"" + instance +
                                 "\": another process created it at the same time");
    }
    if (fresh) write_rings_header(rings, options, epoch);
    write_control_header(control, options, epoch);
    return bus(
        std::make_unique<mapping>(mapping{instance, access::writer, std::move(rings),
                                          std::move(control), detail::blob_folder(options.dir)}));
}

void bus::replace(const bus_options& options) {
    const std::string instance = mapping_->instance;
    mapping_.reset();  // its locks first: create() refuses a bus in use
    *this = create(instance, options);
}

bus bus::open(const std::string& instance, access mode, const std::string& dir) {
    detail::check_instance_name(instance);
    using segment_mode = detail::shm_segment::mode;
    const auto rings_mode =
        mode == access::writer ? segment_mode::read_write : segment_mode::read_only;
    auto rings = dir.empty()
                     ? detail::shm_segment::open(rings_name(instance), rings_mode)
                     : detail::shm_segment::open_file(rings_file(dir, instance), rings_mode);
    detail::check_rings_segment(rings);
    auto control = detail::shm_segment::open(control_name(instance), segment_mode::read_write);
    const auto& header = *reinterpret_cast<const layout::bus_header*>(rings.data());
    detail::check_control_segment(control, header.epoch);
    return bus(std::make_unique<mapping>(
        mapping{instance, mode, std::move(rings), std::move(control), detail::blob_folder(dir)}));
}

void bus::remove(const std::string& instance) noexcept {
    detail::shm_segment::remove(rings_name(instance));
    detail::shm_segment::remove(control_name(instance));
    for (const detail::blob_name_parts& blob : detail::list_blobs(detail::shm_folder, instance))
        detail::remove_blob(detail::shm_folder, blob.name);
}

bus::bus(std::unique_ptr<mapping> m) noexcept : mapping_(std::move(m)) {}
bus::bus(bus&&) noexcept = default;
bus& bus::operator=(bus&&) noexcept = default;
bus::~bus() = default;

std::uint64_t bus::epoch() const noexcept {
    return mapping_->header().epoch;
}
std::uint64_t bus::first_bus_seq() const noexcept {
    return mapping_->header().first_bus_seq.load(std::memory_order_acquire);
}
std::uint32_t bus::shard_count() const noexcept {
    return mapping_->header().shard_count;
}
std::uint32_t bus::shard_of(std::string_view topic) const noexcept {
    return static_cast<std::uint32_t>(topic_hash(topic) % shard_count());
}
std::uint64_t bus::max_body_bytes() const noexcept {
    return mapping_->header().max_body_bytes;
}
std::uint64_t bus::max_inline_body_bytes() const noexcept {
    return mapping_->header().max_inline_body_bytes;
}
std::uint64_t bus::blob_budget_bytes() const noexcept {
    return mapping_->header().blob_budget_bytes;
}
const std::string& bus::instance() const noexcept {
    return mapping_->instance;
}
std::uint64_t bus::ring_bytes() const noexcept {
    return mapping_->header().ring_bytes;
}
std::uint32_t bus::worker_slot_count() const noexcept {
    return mapping_->control_header().worker_slot_count;
}

worker_slot& bus::slot(std::uint32_t index) const {
    if (index >= worker_slot_count())
        throw std::out_of_range("bus worker slot " + std::to_string(index) + " of " +
                                std::to_string(worker_slot_count()));
    return mapping_->slot(index);
}

acceptor_counters& bus::acceptor() const noexcept {
    return mapping_->acceptor();
}
supervisor_counters& bus::supervisor() const noexcept {
    return mapping_->supervisor();
}

std::uint64_t bus::ring_fill_bytes(std::uint32_t shard) const {
    const const_ring_span ring = ring_of(*mapping_, shard);
    // head first: the writer moves head before tail, so the tail read after
    // it is at least as far on.
    const std::uint64_t head = ring.header->head.load(std::memory_order_acquire);
    const std::uint64_t tail = ring.header->tail.load(std::memory_order_acquire);
    return tail - head;
}

std::vector<std::uint64_t> bus::index_bus_seqs(std::uint32_t shard) const {
    return detail::index_bus_seqs(ring_of(*mapping_, shard));
}

std::optional<bus::retained_message> bus::oldest_retained(std::uint32_t shard) const {
    // A header overwritten meanwhile reads as none; the page is read again later.
    const auto oldest = detail::oldest_message(ring_of(*mapping_, shard));
    if (!oldest) return std::nullopt;
    return retained_message{oldest->header.bus_seq, oldest->header.unix_us};
}

}  // namespace hookbot::shm_ring
