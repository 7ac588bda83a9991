#include "hookbot/shm_ring/bus_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "blob_store.hpp"
#include "bus_mapping.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"

namespace hookbot::shm_ring {

struct bus_writer::state {
    bus* target;
    std::vector<ring_writer> rings;
    std::uint64_t next_bus_seq = 1;
    bool holds_messages = false;  // the header's first_bus_seq is final
    std::uint64_t max_inline_body_bytes;
    std::optional<detail::blob_store> blobs;

    void append_blob(std::uint32_t shard, std::string_view topic, std::string_view body,
                     std::uint32_t flags, std::uint64_t bus_seq) {
        blobs->release_overwritten(rings);
        const layout::blob_reference reference = blobs->write(shard, bus_seq, body);
        try {
            rings[shard].append(topic,
                                {reinterpret_cast<const char*>(&reference), sizeof reference},
                                flags | layout::record_flag_blob, bus_seq);
        } catch (...) {
            blobs->discard_newest();
            throw;
        }
    }
};

bus_writer::bus_writer(bus& target) : state_(std::make_unique<state>()) {
    const bus::mapping& mapped = target.mapped();
    if (mapped.mode != bus::access::writer)
        throw std::logic_error("bus_writer needs a bus opened for writing");
    // One writer: a second one would hand out the same bus_seq twice and
    // overwrite records half-written. The lock goes with the mapping, so a
    // writer that crashes leaves it to its successor.
    if (!mapped.rings.try_lock()) {
        throw std::runtime_error("bus \"" + mapped.instance +
                                 "\" already has a writer: another process appends to it");
    }
    state_->target = &target;
    state_->max_inline_body_bytes = target.max_inline_body_bytes();
    std::uint64_t last_bus_seq = 0;
    for (std::uint32_t shard = 0; shard < mapped.shard_count(); ++shard) {
        state_->rings.emplace_back(mapped.ring(shard));
        last_bus_seq = std::max(last_bus_seq, state_->rings.back().last_bus_seq());
    }
    // The newest record of all is the last of its ring, which keeps it.
    state_->next_bus_seq = last_bus_seq + 1;
    state_->holds_messages = last_bus_seq != 0;
    state_->blobs.emplace(target, state_->next_bus_seq);
}

bus_writer::bus_writer(bus_writer&&) noexcept = default;
bus_writer::~bus_writer() = default;

void bus_writer::release_overwritten_blobs() noexcept {
    state_->blobs->release_overwritten(state_->rings);
}

std::uint64_t bus_writer::blob_bytes_held() const noexcept {
    return state_->blobs->held_bytes();
}

std::uint64_t bus_writer::last_bus_seq() const noexcept {
    return state_->next_bus_seq - 1;
}

std::optional<bus_writer::appended> bus_writer::append(std::string_view topic,
                                                       std::string_view body, std::uint32_t flags) {
    return append_at(state_->next_bus_seq, topic, body, flags);
}

std::optional<bus_writer::appended> bus_writer::append_at(std::uint64_t bus_seq,
                                                          std::string_view topic,
                                                          std::string_view body,
                                                          std::uint32_t flags) {
    if (bus_seq < state_->next_bus_seq) {
        throw std::invalid_argument("bus_seq " + std::to_string(bus_seq) +
                                    " is not after the newest, " +
                                    std::to_string(state_->next_bus_seq - 1));
    }
    if (topic.size() > layout::max_topic_bytes || !state_->blobs->fits(body.size()))
        return std::nullopt;
    // The writer's own flag: a publisher's flags never say "blob".
    flags &= ~layout::record_flag_blob;
    const std::uint32_t shard = state_->target->shard_of(topic);
    if (body.size() > state_->max_inline_body_bytes) {
        state_->append_blob(shard, topic, body, flags, bus_seq);
    } else {
        state_->rings[shard].append(topic, body, flags, bus_seq);
    }
    state_->next_bus_seq = bus_seq + 1;
    if (!std::exchange(state_->holds_messages, true)) {
        auto& first = state_->target->mapped().writable_header().first_bus_seq;
        if (first.load(std::memory_order_relaxed) == 0)
            first.store(bus_seq, std::memory_order_release);
    }
    return appended{bus_seq, shard};
}

void bus_writer::begin_at(std::uint64_t bus_seq) {
    if (state_->holds_messages) throw std::logic_error("begin_at on a bus that holds messages");
    state_->target->mapped().writable_header().first_bus_seq.store(bus_seq,
                                                                   std::memory_order_release);
    state_->next_bus_seq = bus_seq;
}

}  // namespace hookbot::shm_ring
