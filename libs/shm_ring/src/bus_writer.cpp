#include "hookbot/shm_ring/bus_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "bus_mapping.hpp"
#include "hookbot/shm_ring/ring_writer.hpp"

namespace hookbot::shm_ring {

struct bus_writer::state {
    bus* target;
    std::vector<ring_writer> rings;
    std::uint64_t next_bus_seq = 1;
    std::uint64_t max_body_bytes;
};

bus_writer::bus_writer(bus& target) : state_(std::make_unique<state>()) {
    const bus::mapping& mapped = target.mapped();
    if (mapped.mode != bus::access::writer)
        throw std::logic_error("bus_writer needs a bus opened for writing");
    state_->target = &target;
    state_->max_body_bytes = target.max_body_bytes();
    std::uint64_t last_bus_seq = 0;
    for (std::uint32_t shard = 0; shard < mapped.shard_count(); ++shard) {
        state_->rings.emplace_back(mapped.ring(shard));
        last_bus_seq = std::max(last_bus_seq, state_->rings.back().last_bus_seq());
    }
    // The newest record of all is the last of its ring, which keeps it.
    state_->next_bus_seq = last_bus_seq + 1;
}

bus_writer::bus_writer(bus_writer&&) noexcept = default;
bus_writer::~bus_writer() = default;

std::optional<bus_writer::appended> bus_writer::append(std::string_view topic,
                                                       std::string_view body, std::uint32_t flags) {
    if (topic.size() > layout::max_topic_bytes || body.size() > state_->max_body_bytes)
        return std::nullopt;
    const std::uint32_t shard = state_->target->shard_of(topic);
    const std::uint64_t bus_seq = state_->next_bus_seq;
    state_->rings[shard].append(topic, body, flags, bus_seq);
    ++state_->next_bus_seq;
    return appended{bus_seq, shard};
}

}  // namespace hookbot::shm_ring
