#pragma once

#include "hookbot/shm_ring/bus.hpp"
#include "options.hpp"
#include "publish/bus_room.hpp"
#include "publish/publish_handler.hpp"
#include "workers/worker_pool.hpp"

// How the acceptor's bus_room is measured and sized, from its options and
// the bus it writes.
namespace hookbot::acceptor {

// The writer's newest bus_seq, and the slowest ready worker with subscribers.
bus_room::positions publish_room_positions(const publish_handler& publisher,
                                           const worker_pool& workers);

// --max-publish-wait and --publish-window, the byte window bounded by half a
// ring (a window all in one shard is never lapped).
bus_room::settings publish_room_settings(const acceptor_options& options, const shm_ring::bus& bus);

}  // namespace hookbot::acceptor
