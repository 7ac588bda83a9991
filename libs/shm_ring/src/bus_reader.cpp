#include "hookbot/shm_ring/bus_reader.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "blob_file.hpp"
#include "blob_names.hpp"
#include "bus_mapping.hpp"
#include "hookbot/shm_ring/ring_reader.hpp"

namespace hookbot::shm_ring {

struct bus_reader::state {
    std::vector<ring_reader> rings;
    std::uint64_t last_bus_seq = 0;
    // Where this reader started: the largest last bus_seq over the shards.
    // They are walked one after another, so a shard walked early may receive
    // records with a smaller bus_seq than a later shard's last before the walk
    // ends: those belong before the start and never come out.
    std::uint64_t start_bus_seq = 0;
    std::string instance;
    std::string blob_folder;
    std::uint64_t epoch = 0;
    std::optional<detail::mapped_blob> blob;  // the body of the last blob record returned
    std::uint64_t lost_blobs = 0;

    // Points `record`'s body at its blob, mapped; false when the blob is gone
    // (or does not match its reference), which costs the record.
    bool resolve_blob(record_view& record) {
        blob.reset();
        layout::blob_reference reference{};
        if (record.body.size() != sizeof reference) return false;
        std::memcpy(&reference, record.body.data(), sizeof reference);
        if (reference.epoch != epoch) return false;
        blob = detail::mapped_blob::open(
            blob_folder, detail::blob_name(instance, epoch, record.bus_seq), reference.blob_bytes);
        if (!blob) return false;
        record.body = blob->bytes();
        record.flags &= ~layout::record_flag_blob;
        return true;
    }

    // The shard whose next record has the smallest bus_seq, or nullptr.
    ring_reader* oldest() {
        ring_reader* best = nullptr;
        std::uint64_t best_seq = 0;
        for (auto& ring : rings) {
            const record_view* record = ring.peek();
            if (record != nullptr && (best == nullptr || record->bus_seq < best_seq)) {
                best = &ring;
                best_seq = record->bus_seq;
            }
        }
        return best;
    }
};

bus_reader::bus_reader(const bus& source) : state_(std::make_unique<state>()) {
    const bus::mapping& mapped = source.mapped();
    state_->rings.reserve(mapped.shard_count());
    for (std::uint32_t shard = 0; shard < mapped.shard_count(); ++shard) {
        state_->rings.emplace_back(mapped.const_ring(shard), shard);
        state_->last_bus_seq = std::max(state_->last_bus_seq, state_->rings.back().start_bus_seq());
    }
    state_->start_bus_seq = state_->last_bus_seq;
    state_->instance = mapped.instance;
    state_->blob_folder = mapped.blob_folder;
    state_->epoch = source.epoch();
}

bus_reader::bus_reader(const bus& source, std::uint64_t after_bus_seq,
                       std::span<const std::uint32_t> shards)
    : state_(std::make_unique<state>()) {
    const bus::mapping& mapped = source.mapped();
    state_->rings.reserve(shards.size());
    for (const std::uint32_t shard : shards) {
        state_->rings.emplace_back(mapped.const_ring(shard), shard, after_bus_seq);
    }
    state_->last_bus_seq = after_bus_seq;
    state_->start_bus_seq = after_bus_seq;
    state_->instance = mapped.instance;
    state_->blob_folder = mapped.blob_folder;
    state_->epoch = source.epoch();
}

bool bus_reader::started_after_loss() const noexcept {
    for (const auto& ring : state_->rings)
        if (ring.started_after_loss()) return true;
    return false;
}

bus_reader::bus_reader(bus_reader&&) noexcept = default;
bus_reader& bus_reader::operator=(bus_reader&&) noexcept = default;
bus_reader::~bus_reader() = default;

std::optional<record_view> bus_reader::next() {
    for (;;) {
        ring_reader* chosen = state_->oldest();
        if (chosen == nullptr) return std::nullopt;
        if (chosen->peek()->bus_seq != state_->last_bus_seq + 1) {
            // Maybe a smaller bus_seq sits in a shard that looked empty before the
            // acquire that showed this one: look once more, tails re-loaded.
            chosen = state_->oldest();
        }
        record_view record = *chosen->peek();
        chosen->take();
        if (record.bus_seq <= state_->start_bus_seq) continue;
        state_->last_bus_seq = record.bus_seq;
        if ((record.flags & layout::record_flag_blob) == 0) {
            state_->blob.reset();
            return record;
        }
        if (state_->resolve_blob(record)) return record;
        ++state_->lost_blobs;  // the writer needed its room before we came
    }
}

std::uint64_t bus_reader::last_bus_seq() const noexcept {
    return state_->last_bus_seq;
}

std::uint64_t bus_reader::lost_blobs() const noexcept {
    return state_->lost_blobs;
}

bool bus_reader::has_pending() const noexcept {
    for (const auto& ring : state_->rings)
        if (ring.has_pending()) return true;
    return false;
}

std::uint64_t bus_reader::lapped_records() const noexcept {
    std::uint64_t lapped = 0;
    for (const auto& ring : state_->rings) lapped += ring.lapped_records();
    return lapped;
}

}  // namespace hookbot::shm_ring
