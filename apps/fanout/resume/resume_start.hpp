#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "delivery/envelope.hpp"

namespace hookbot::fanout {

// Where a subscription that named `since` (?since= or Last-Event-ID)
// resumes: docs/PROTOCOL.md, "Resume".
struct resume_start {
    enum class from {
        after,   // the retained messages after after_bus_seq
        latest,  // the newest retained message of the subscription
    };
    from where = from::after;
    std::uint64_t after_bus_seq = 0;
    // Announced before anything is replayed: the id cannot be resumed from,
    // and everything retained follows.
    std::optional<gap_reason> gap;
    // --retention-age: messages written before this (unix_time_us) are not
    // replayed; 0 for no bound. Set by the caller, not by parse_since.
    std::uint64_t not_before_unix_us = 0;
};

// `since` as the subscriber sent it: a message id of the bus of `epoch`,
// "all" or "latest". `newest_bus_seq` is the newest message committed: an id
// past it is unknown. nullopt when `since` is empty (live messages only).
std::optional<resume_start> parse_since(std::string_view since, std::uint64_t epoch,
                                        std::uint64_t newest_bus_seq) noexcept;

}  // namespace hookbot::fanout
