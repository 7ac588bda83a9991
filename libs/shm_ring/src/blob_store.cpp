#include "blob_store.hpp"

#include <algorithm>
#include <filesystem>
#include <limits>

#include "blob_file.hpp"
#include "blob_names.hpp"
#include "bus_mapping.hpp"
#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::shm_ring::detail {
namespace {

std::uint64_t size_of_blob(const std::string& name) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size("/dev/shm/" + name, ec);
    return ec ? 0 : bytes;
}

}  // namespace

blob_store::blob_store(const bus& target, std::uint64_t next_bus_seq)
    : target_(target), epoch_(target.epoch()), budget_(target.blob_budget_bytes()) {
    std::vector<blob_name_parts> found = list_blobs(target.instance());
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.bus_seq < b.bus_seq; });
    for (const blob_name_parts& blob : found) {
        if (blob.epoch != epoch_ || blob.bus_seq >= next_bus_seq) {
            remove_blob(blob.name);
            continue;
        }
        const std::uint64_t bytes = size_of_blob(blob.name);
        held_.push_back(held_blob{blob.bus_seq, bytes});
        held_bytes_ += bytes;
    }
    while (held_bytes_ > budget_) unlink_oldest();
}

layout::blob_reference blob_store::write(std::uint64_t bus_seq, std::string_view body) {
    release_read();
    while (!held_.empty() && held_bytes_ + body.size() > budget_) unlink_oldest();
    create_blob(blob_name(target_.instance(), epoch_, bus_seq), body);
    held_.push_back(held_blob{bus_seq, body.size()});
    held_bytes_ += body.size();
    return layout::blob_reference{.blob_bytes = body.size(), .epoch = epoch_};
}

void blob_store::discard_newest() noexcept {
    if (held_.empty()) return;
    remove_blob(blob_name(target_.instance(), epoch_, held_.back().bus_seq));
    held_bytes_ -= held_.back().bytes;
    held_.pop_back();
}

void blob_store::release_read() noexcept {
    if (held_.empty()) return;
    const std::uint64_t read = read_by_all();
    while (!held_.empty() && held_.front().bus_seq <= read) unlink_oldest();
}

void blob_store::unlink_oldest() noexcept {
    remove_blob(blob_name(target_.instance(), epoch_, held_.front().bus_seq));
    held_bytes_ -= held_.front().bytes;
    held_.pop_front();
}

std::uint64_t blob_store::read_by_all() const noexcept {
    std::uint64_t read = std::numeric_limits<std::uint64_t>::max();
    for (std::uint32_t index = 0; index < target_.worker_slot_count(); ++index) {
        const worker_slot& slot = target_.mapped().slot(index);
        // A worker that has not said where it is holds everything back; one
        // without subscribers holds nothing back: it is not woken to read
        // (ring_if_serving), and what it reads goes to nobody. It announces a
        // joining subscriber before it catches up, so the blobs of whatever
        // it reads for one stay until it has read them.
        if (slot.pid.load(std::memory_order_acquire) == 0) continue;
        if (slot.subscribers.load(std::memory_order_seq_cst) == 0) continue;
        read = std::min(read, slot.blob_read_bus_seq.load(std::memory_order_acquire));
    }
    return read;
}

}  // namespace hookbot::shm_ring::detail
