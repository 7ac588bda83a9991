#include "bus_room_setup.hpp"

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
    settings.max_inline_body_bytes = bus.max_inline_body_bytes();
    return settings;
}

}  // namespace hookbot::acceptor
