#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "hookbot/shm_ring/bus.hpp"

namespace hookbot::shm_ring {

// The single writer of every ring of a bus (the acceptor). A new writer on a
// bus an old one left (after a crash) resumes after the last committed record:
// same sequence numbers, no gap and no duplicate seen by readers, and nothing
// a dead writer half-wrote is ever accepted.
class bus_writer {
public:
    explicit bus_writer(bus& target);
    bus_writer(bus_writer&&) noexcept;
    ~bus_writer();

    struct appended {
        std::uint64_t bus_seq;  // bus-wide, starts at 1, +1 per record
        std::uint32_t shard;
    };

    // Appends one record to the topic's shard and commits it with one release
    // store. Returns nullopt, writing nothing, when topic + body exceed the
    // bus's largest record.
    std::optional<appended> append(std::string_view topic, std::string_view body,
                                   std::uint32_t flags = 0);

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace hookbot::shm_ring
