#include "supervisor/bus_census.hpp"

#include <cstdio>

namespace hookbot::serve {

bus_census take_census(const shm_ring::bus& bus) {
    bus_census census;
    for (std::uint32_t index = 0; index < bus.worker_slot_count(); ++index) {
        const auto& slot = bus.slot(index);
        if (slot.pid.load(std::memory_order_relaxed) == 0) continue;
        ++census.workers;
        census.subscribers += slot.subscribers.load(std::memory_order_relaxed);
        census.delivered += slot.delivered.load(std::memory_order_relaxed);
        census.dropped += slot.dropped.load(std::memory_order_relaxed);
        census.lapped += slot.lapped.load(std::memory_order_relaxed);
    }
    const shm_ring::cluster_counters& cluster = bus.acceptor().cluster;
    if (cluster.enabled.load(std::memory_order_relaxed) != 0) {
        auto& link = census.cluster.emplace();
        link.connected = cluster.connected.load(std::memory_order_relaxed) != 0;
        link.lag_messages = cluster.lag_messages.load(std::memory_order_relaxed);
        link.lag_ms = cluster.lag_us.load(std::memory_order_relaxed) / 1000;
        for (const auto& bucket : cluster.publish_ack.buckets)
            link.acks += bucket.load(std::memory_order_relaxed);
        if (link.acks != 0)
            link.ack_mean_us =
                cluster.publish_ack.sum_us.load(std::memory_order_relaxed) / link.acks;
    }
    return census;
}

std::string describe(const bus_census& census) {
    auto plural = [](std::uint64_t n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    return plural(census.workers, "worker", "workers") + ", " +
           plural(census.subscribers, "subscriber", "subscribers") + ", " +
           std::to_string(census.delivered) + " delivered, " + std::to_string(census.dropped) +
           " dropped, " + std::to_string(census.lapped) + " lapped" +
           (census.cluster ? "; " + describe(*census.cluster) : "");
}

std::string describe(const bus_census::cluster_link& link) {
    char text[128];
    std::snprintf(text, sizeof text, "NATS %s, lag %llu messages (%.1f s), publish ack %.1f ms",
                  link.connected ? "connected" : "disconnected",
                  static_cast<unsigned long long>(link.lag_messages),
                  static_cast<double>(link.lag_ms) / 1000.0,
                  static_cast<double>(link.ack_mean_us) / 1000.0);
    return text;
}

}  // namespace hookbot::serve
