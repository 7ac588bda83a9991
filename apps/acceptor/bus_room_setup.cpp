#include "bus_room_setup.hpp"

#include <chrono>

namespace hookbot::acceptor {

bus_room::positions publish_room_positions(const publish_handler& publisher,
                                           const worker_pool& workers) {
    return {[&publisher] { return publisher.last_bus_seq(); },
            [&workers] { return workers.slowest_reader(); }};
}

bus_room::settings publish_room_settings(const acceptor_options& options,
                                         const shm_ring::bus& bus) {
    bus_room::settings settings;
    settings.window_records = options.publish_window;
    settings.window_bytes = bus.ring_bytes() / 2;
    settings.max_wait = options.max_publish_wait;
    // Cluster mode: the room paces what is consumed from the stream, which
    // holds the rest; a message may wait as long as the workers take (a
    // slow subscriber holds a worker for --slow-after at most), instead of
    // lapping them after --max-publish-wait and losing it on this host.
    if (options.cluster.enabled() && settings.max_wait.count() != 0) {
        settings.max_wait = std::chrono::hours(24 * 365);
    }
    settings.max_inline_body_bytes = bus.max_inline_body_bytes();
    return settings;
}

}  // namespace hookbot::acceptor
