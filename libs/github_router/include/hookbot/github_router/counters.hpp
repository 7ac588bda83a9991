#pragma once

#include <cstdint>

#include "hookbot/github_router/route.hpp"

namespace hookbot::github_router {

// What the router did, since its process started: nothing it drops goes
// uncounted. Plain integers: one thread owns them (the acceptor's loop, or
// route-github's), and a /metrics page reads them from that thread.
struct counters {
    std::uint64_t messages = 0;        // messages seen on monitored topics
    std::uint64_t published = 0;       // routed messages committed (or published)
    std::uint64_t publish_failed = 0;  // routed, but committing (publishing) failed
    std::uint64_t rejected_signature_missing = 0;
    std::uint64_t rejected_signature_wrong = 0;
    std::uint64_t ignored_not_push = 0;
    std::uint64_t ignored_no_repository = 0;
    std::uint64_t ignored_malformed = 0;  // either layer not JSON, fields missing, bad base64

    // Counts `outcome` (but not its publish: see published, publish_failed).
    void count(const decision& outcome) noexcept;

    [[nodiscard]] std::uint64_t rejected_total() const noexcept {
        return rejected_signature_missing + rejected_signature_wrong;
    }
    [[nodiscard]] std::uint64_t ignored_total() const noexcept {
        return ignored_not_push + ignored_no_repository + ignored_malformed;
    }
};

}  // namespace hookbot::github_router
