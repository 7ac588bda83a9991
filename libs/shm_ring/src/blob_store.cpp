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

std::uint64_t size_of_blob(const std::string& folder, const std::string& name) {
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(blob_path(folder, name), ec);
    return ec ? 0 : bytes;
}

}  // namespace

blob_store::blob_store(const bus& target, std::uint64_t next_bus_seq)
    : target_(target),
      folder_(target.mapped().blob_folder),
      epoch_(target.epoch()),
      budget_(target.blob_budget_bytes()) {
    std::vector<blob_name_parts> found = list_blobs(folder_, target.instance());
    std::sort(found.begin(), found.end(),
              [](const auto& a, const auto& b) { return a.bus_seq < b.bus_seq; });
    for (const blob_name_parts& blob : found) {
        if (blob.epoch != epoch_ || blob.bus_seq >= next_bus_seq) {
            remove_blob(folder_, blob.name);
            continue;
        }
        const std::uint64_t bytes = size_of_blob(folder_, blob.name);
        held_.push_back(held_blob{blob.bus_seq, bytes, any_shard});
        held_bytes_ += bytes;
    }
    while (held_bytes_ > budget_) unlink_oldest();
}

layout::blob_reference blob_store::write(std::uint32_t shard, std::uint64_t bus_seq,
                                         std::string_view body) {
    while (!held_.empty() && held_bytes_ + body.size() > budget_) unlink_oldest();
    create_blob(folder_, blob_name(target_.instance(), epoch_, bus_seq), body);
    held_.push_back(held_blob{bus_seq, body.size(), shard});
    held_bytes_ += body.size();
    return layout::blob_reference{.blob_bytes = body.size(), .epoch = epoch_};
}

void blob_store::discard_newest() noexcept {
    if (held_.empty()) return;
    unlink(held_.back());
    held_.pop_back();
}

void blob_store::release_overwritten(std::span<const ring_writer> rings) noexcept {
    if (held_.empty()) return;
    // For adopted blobs: the oldest record any ring still holds. A ring never
    // written to holds none and says nothing.
    std::uint64_t oldest_anywhere = std::numeric_limits<std::uint64_t>::max();
    for (const ring_writer& ring : rings) {
        if (ring.last_bus_seq() != 0)
            oldest_anywhere = std::min(oldest_anywhere, ring.retained_from());
    }
    std::erase_if(held_, [&](const held_blob& blob) {
        const std::uint64_t retained_from =
            blob.shard == any_shard ? oldest_anywhere : rings[blob.shard].retained_from();
        if (blob.bus_seq >= retained_from) return false;
        unlink(blob);
        return true;
    });
}

void blob_store::unlink(const held_blob& blob) noexcept {
    remove_blob(folder_, blob_name(target_.instance(), epoch_, blob.bus_seq));
    held_bytes_ -= blob.bytes;
}

void blob_store::unlink_oldest() noexcept {
    unlink(held_.front());
    held_.pop_front();
}

}  // namespace hookbot::shm_ring::detail
