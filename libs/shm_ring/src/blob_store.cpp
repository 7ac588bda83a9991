#include "blob_store.hpp"

#include <algorithm>
#include <filesystem>

#include "blob_file.hpp"
#include "blob_names.hpp"
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
        held_.push_back(held_blob{blob.bus_seq, bytes, any_shard});
        held_bytes_ += bytes;
    }
    while (held_bytes_ > budget_) unlink_oldest();
}

layout::blob_reference blob_store::write(std::uint32_t shard, std::uint64_t bus_seq,
                                         std::string_view body) {
    while (!held_.empty() && held_bytes_ + body.size() > budget_) unlink_oldest();
    create_blob(blob_name(target_.instance(), epoch_, bus_seq), body);
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
    if (held_.empty() || rings.empty()) return;
    std::uint64_t oldest_anywhere = rings.front().retained_from();
    for (const ring_writer& ring : rings)
        oldest_anywhere = std::min(oldest_anywhere, ring.retained_from());
    std::erase_if(held_, [&](const held_blob& blob) {
        const std::uint64_t retained_from =
            blob.shard == any_shard ? oldest_anywhere : rings[blob.shard].retained_from();
        if (blob.bus_seq >= retained_from) return false;
        unlink(blob);
        return true;
    });
}

void blob_store::unlink(const held_blob& blob) noexcept {
    remove_blob(blob_name(target_.instance(), epoch_, blob.bus_seq));
    held_bytes_ -= blob.bytes;
}

void blob_store::unlink_oldest() noexcept {
    unlink(held_.front());
    held_.pop_front();
}

}  // namespace hookbot::shm_ring::detail
