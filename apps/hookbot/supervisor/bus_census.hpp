#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::serve {

// What the workers' slots in the bus's control segment say, summed: the
// figures `hookbot serve` reports to systemd as STATUS=.
struct bus_census {
    std::uint64_t workers = 0;  // slots held by a live pid
    std::uint64_t subscribers = 0;
    std::uint64_t delivered = 0;
    std::uint64_t dropped = 0;
    std::uint64_t lapped = 0;
    // Cluster mode only: the acceptor's link to the stream.
    struct cluster_link {
        bool connected = false;
        std::uint64_t lag_messages = 0;
        std::uint64_t lag_ms = 0;
        std::uint64_t acks = 0;  // publishes JetStream acknowledged
        std::uint64_t ack_mean_us = 0;
    };
    std::optional<cluster_link> cluster;
};

// Reads every slot once (relaxed loads: a snapshot for people, not a
// consistent cut).
bus_census take_census(const shm_ring::bus& bus);

// "2 workers, 3 subscribers, 10 delivered, 0 dropped, 0 lapped", and in
// cluster mode "; NATS connected, lag 0 messages (0.0 s), publish ack 0.8 ms".
std::string describe(const bus_census& census);
std::string describe(const bus_census::cluster_link& link);

}  // namespace hookbot::serve
