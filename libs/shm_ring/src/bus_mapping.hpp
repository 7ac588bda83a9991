#pragma once

#include <string>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/layout.hpp"
#include "hookbot/shm_ring/ring_span.hpp"
#include "shm_segment.hpp"

namespace hookbot::shm_ring {

// Both segments of a bus, mapped, with the header values already validated.
struct bus::mapping {
    std::string instance;
    bus::access mode;
    detail::shm_segment rings;
    detail::shm_segment control;
    std::string blob_folder;  // detail::blob_folder: /dev/shm, or the --bus-dir

    [[nodiscard]] const layout::bus_header& header() const noexcept {
        return *reinterpret_cast<const layout::bus_header*>(rings.data() +
                                                            layout::bus_header_offset);
    }
    // Only a writer-mode mapping may write to it.
    [[nodiscard]] layout::bus_header& writable_header() const noexcept {
        return *reinterpret_cast<layout::bus_header*>(rings.data() + layout::bus_header_offset);
    }
    [[nodiscard]] const layout::control_header& control_header() const noexcept {
        return *reinterpret_cast<const layout::control_header*>(control.data());
    }
    [[nodiscard]] std::uint32_t shard_count() const noexcept { return header().shard_count; }

    // Writable view of a shard's ring; only a writer-mode mapping may use it.
    [[nodiscard]] ring_span ring(std::uint32_t shard) const noexcept {
        const auto& h = header();
        return ring_span{
            reinterpret_cast<layout::ring_header*>(rings.data() +
                                                   layout::ring_header_offset(shard, h.ring_bytes)),
            rings.data() + layout::ring_data_offset(shard, h.ring_bytes),
            h.ring_bytes,
            layout::max_record_bytes(h.max_inline_body_bytes),
        };
    }
    [[nodiscard]] const_ring_span const_ring(std::uint32_t shard) const noexcept {
        return ring(shard);
    }

    [[nodiscard]] acceptor_counters& acceptor() const noexcept {
        return reinterpret_cast<layout::padded_acceptor_counters*>(control.data() +
                                                                   layout::acceptor_counters_offset)
            ->counters;
    }
    [[nodiscard]] supervisor_counters& supervisor() const noexcept {
        return reinterpret_cast<layout::padded_supervisor_counters*>(
                   control.data() + layout::supervisor_counters_offset)
            ->counters;
    }

    [[nodiscard]] worker_slot& slot(std::uint32_t index) const noexcept {
        auto* slots = reinterpret_cast<layout::padded_worker_slot*>(control.data() +
                                                                    layout::first_slot_offset);
        return slots[index].slot;
    }
};

}  // namespace hookbot::shm_ring
