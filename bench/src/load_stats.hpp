#pragma once

#include <cstdint>

#include "histogram.hpp"

namespace hookbot::bench {

// Every body starts with these 16 bytes (little-endian): when the publish was
// sent (CLOCK_MONOTONIC ns) and its bus-wide sequence number in this run.
struct body_stamp {
    std::uint64_t sent_ns;
    std::uint64_t sequence;
};
inline constexpr std::size_t stamp_size = sizeof(body_stamp);

// What subscribers and publishers count as they go. Sequences below
// `first_measured` were sent during warm-up and are not counted.
struct load_stats {
    std::uint64_t first_measured = UINT64_MAX;
    std::uint64_t now_ns = 0;  // when the current read returned

    std::uint64_t delivered = 0;
    std::uint64_t received = 0;   // every message, warm-up ones included
    std::uint64_t malformed = 0;  // a message too short to hold a stamp
    std::uint64_t closed_by_server = 0;
    std::uint64_t pings = 0;
    std::uint64_t last_delivery_ns = 0;
    histogram latency;     // publish sent -> message received
    histogram completion;  // --expect: a subscriber's 101 -> its Nth message

    std::uint64_t answered_ok = 0;
    std::uint64_t answered_other = 0;
    std::uint64_t publish_errors = 0;  // a publishing connection that broke
    std::uint64_t expected = 0;        // sum over 200s of matching subscribers
    std::uint64_t last_answer_ns = 0;
    histogram publish_rtt;  // publish sent -> response received
};

}  // namespace hookbot::bench
