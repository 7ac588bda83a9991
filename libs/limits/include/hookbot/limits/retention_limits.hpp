#pragma once

#include "hookbot/limits/limit.hpp"

// How far back resumes reach (docs/OPERATIONS.md, "Retention and restarts"):
// the rings hold what their bytes allow; this bounds it by age too.
namespace hookbot::limits {

inline constexpr seconds_limit retention_age{
    "retention-age", 0, 0, 10 * 365 * 86400.0,
    "seconds a message stays replayable: resumes skip older ones (a gap notice, reason "
    "expired, says so) even while the rings still hold them (0: as long as the rings hold "
    "them)"};

}  // namespace hookbot::limits
