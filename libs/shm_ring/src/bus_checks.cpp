#include "bus_checks.hpp"

#include <atomic>
#include <stdexcept>

#include "hookbot/shm_ring/layout.hpp"

namespace hookbot::shm_ring::detail {
namespace {

bool power_of_two(std::uint64_t value) {
    return value != 0 && (value & (value - 1)) == 0;
}

[[noreturn]] void bad_option(const std::string& what) {
    throw std::invalid_argument("bus_options: " + what);
}

[[noreturn]] void bad_segment(const shm_segment& segment, const std::string& what) {
    // Shared memory names have no '/'; a --bus-dir's file has a path.
    const bool file = segment.name().find('/') != std::string::npos;
    throw std::runtime_error((file ? "bus file " : "shared memory segment ") + segment.name() +
                             ": " + what);
}

}  // namespace

void check_instance_name(const std::string& instance) {
    if (instance.empty() || instance.size() > 200 || instance.find('/') != std::string::npos)
        throw std::invalid_argument(
            "bus instance name must be 1 to 200 characters without '/': \"" + instance + "\"");
}

void check_options(const bus_options& options) {
    if (options.shards < 1 || options.shards > layout::max_shards)
        bad_option("shards must be 1 to " + std::to_string(layout::max_shards) + ", not " +
                   std::to_string(options.shards));
    if (!power_of_two(options.ring_bytes) || options.ring_bytes < layout::min_ring_bytes ||
        options.ring_bytes > layout::max_ring_bytes)
        bad_option("ring_bytes must be a power of two from " +
                   std::to_string(layout::min_ring_bytes) + " to " +
                   std::to_string(layout::max_ring_bytes) + ", not " +
                   std::to_string(options.ring_bytes));
    const std::uint64_t largest = layout::max_record_bytes(options.max_inline_body_bytes);
    if (options.max_inline_body_bytes > options.ring_bytes ||
        largest > options.ring_bytes / layout::records_per_ring_min)
        bad_option("max_inline_body_bytes " + std::to_string(options.max_inline_body_bytes) +
                   " is too big: a record (header, topic up to " +
                   std::to_string(layout::max_topic_bytes) + " bytes, body) must fit " +
                   std::to_string(layout::records_per_ring_min) + " times in ring_bytes " +
                   std::to_string(options.ring_bytes));
    if (options.max_inline_body_bytes < sizeof(layout::blob_reference))
        bad_option("max_inline_body_bytes must be at least " +
                   std::to_string(sizeof(layout::blob_reference)) + " (a blob reference), not " +
                   std::to_string(options.max_inline_body_bytes));
    if (options.max_body_bytes > layout::largest_body_bytes)
        bad_option("max_body_bytes must be at most " + std::to_string(layout::largest_body_bytes) +
                   ", not " + std::to_string(options.max_body_bytes));
    if (options.blob_budget_bytes / 2 < options.max_body_bytes)
        bad_option("blob_budget_bytes " + std::to_string(options.blob_budget_bytes) +
                   " must be at least twice max_body_bytes " +
                   std::to_string(options.max_body_bytes) +
                   " (a GitHub envelope of the largest body must fit)");
    if (options.worker_slots < 1 || options.worker_slots > layout::max_worker_slots)
        bad_option("worker_slots must be 1 to " + std::to_string(layout::max_worker_slots) +
                   ", not " + std::to_string(options.worker_slots));
}

void check_rings_segment(const shm_segment& rings) {
    if (rings.size() < sizeof(layout::bus_header)) bad_segment(rings, "too small for a bus header");
    const auto& header = *reinterpret_cast<const layout::bus_header*>(rings.data());
    if (header.magic.load(std::memory_order_acquire) != layout::rings_magic)
        bad_segment(rings, "bad magic: not a hookbot bus, or one still being created");
    if (header.layout_version != layout::layout_version)
        bad_segment(rings, "layout version " + std::to_string(header.layout_version) +
                               ", this program reads version " +
                               std::to_string(layout::layout_version));
    const bus_options options{header.shard_count,
                              header.ring_bytes,
                              header.max_body_bytes,
                              header.max_inline_body_bytes,
                              header.blob_budget_bytes,
                              1,
                              {}};
    try {
        check_options(options);
    } catch (const std::invalid_argument& error) {
        bad_segment(rings, std::string("bad header: ") + error.what());
    }
    if (header.max_topic_bytes != layout::max_topic_bytes ||
        header.record_header_bytes != sizeof(layout::record_header) ||
        header.ring_stride != layout::ring_stride(header.ring_bytes))
        bad_segment(rings, "bad header: record limits or ring stride differ from this layout");
    if (rings.size() < layout::rings_segment_bytes(header.shard_count, header.ring_bytes))
        bad_segment(rings, "smaller than its header says");
}

void check_control_segment(const shm_segment& control, std::uint64_t rings_epoch) {
    if (control.size() < sizeof(layout::control_header))
        bad_segment(control, "too small for a control header");
    const auto& header = *reinterpret_cast<const layout::control_header*>(control.data());
    if (header.magic.load(std::memory_order_acquire) != layout::control_magic)
        bad_segment(control, "bad magic: not a hookbot bus, or one still being created");
    if (header.layout_version != layout::layout_version)
        bad_segment(control, "layout version " + std::to_string(header.layout_version) +
                                 ", this program reads version " +
                                 std::to_string(layout::layout_version));
    if (header.epoch != rings_epoch)
        bad_segment(control,
                    "epoch differs from the rings segment: the bus was re-created meanwhile");
    if (header.worker_slot_count < 1 || header.worker_slot_count > layout::max_worker_slots ||
        control.size() < layout::control_segment_bytes(header.worker_slot_count))
        bad_segment(control, "bad worker slot count or size");
}

void check_same_options(const shm_segment& rings, const bus_options& options) {
    const auto& header = *reinterpret_cast<const layout::bus_header*>(rings.data());
    const auto differs = [&](const char* option, std::uint64_t was, std::uint64_t now) {
        if (was == now) return;
        bad_segment(rings, std::string("made with ") + option + " " + std::to_string(was) +
                               ", not " + std::to_string(now) +
                               ": start with the options it was made with, or move it away to "
                               "start a new bus there");
    };
    differs("--shards", header.shard_count, options.shards);
    differs("--ring-bytes", header.ring_bytes, options.ring_bytes);
    differs("--max-body", header.max_body_bytes, options.max_body_bytes);
    differs("--blob-threshold", header.max_inline_body_bytes, options.max_inline_body_bytes);
    differs("--blob-budget", header.blob_budget_bytes, options.blob_budget_bytes);
}

}  // namespace hookbot::shm_ring::detail
