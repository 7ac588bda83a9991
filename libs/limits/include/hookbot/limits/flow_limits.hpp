#pragma once

#include <cstddef>
#include <cstdint>

#include "hookbot/limits/client_limits.hpp"
#include "hookbot/limits/limit.hpp"

// Flow control from subscribers back to publishers (docs/ARCHITECTURE.md,
// "Flow control"): the workers' queues, --slow-after and --overflow, the acceptor's
// --max-publish-wait and --publish-window.
namespace hookbot::limits {

inline constexpr limit<std::size_t> queue_messages{
    "queue-messages", 1024, 1, unbounded,
    "most messages queued to one subscriber; more are dropped and counted"};

inline constexpr limit<std::size_t> queue_bytes{
    "queue-bytes", 16u << 20, 1, unbounded,
    "most bytes queued to one subscriber (one larger message is still sent alone)"};

inline constexpr seconds_limit slow_after{
    "slow-after", 0.5, 0, 3600,
    "seconds a subscriber's queue may stay over its high watermark (half full, at most 256 "
    "messages or 1 MiB) and hold its worker (and so the publishers) back; behind longer, it is "
    "slow and loses what overflows its queue (0: never hold back)"};

inline constexpr choice overflow{
    "overflow",
    "drop",
    {"drop", "close"},
    "when a subscriber's queue is full: drop (the message, counted) or close (1008)"};

inline constexpr seconds_limit max_publish_wait{
    "max-publish-wait", 1, 0, 60,
    "seconds a publish may wait, unanswered, for a worker with subscribers that is too far "
    "behind the bus; then it is committed anyway (0: never wait)"};

inline constexpr limit<std::uint64_t> publish_window{
    "publish-window", 64, 1, 1u << 24,
    "records the bus may run ahead of the slowest worker with subscribers before publishes wait "
    "(also at most half a ring of bytes)"};

}  // namespace hookbot::limits
