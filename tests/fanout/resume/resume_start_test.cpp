// Where a resume starts, from what the subscriber sent.
#include "resume/resume_start.hpp"

#include <doctest/doctest.h>

namespace hookbot::fanout {

TEST_CASE("since names where a subscription resumes") {
    constexpr std::uint64_t epoch = 0xab;
    CHECK_FALSE(parse_since("", epoch, 10));
    const auto all = parse_since("all", epoch, 10);
    REQUIRE(all);
    CHECK(all->where == resume_start::from::after);
    CHECK(all->after_bus_seq == 0);
    CHECK_FALSE(all->gap);
    CHECK(parse_since("latest", epoch, 10)->where == resume_start::from::latest);

    const auto id = parse_since("00000000000000ab-7", epoch, 10);
    REQUIRE(id);
    CHECK(id->after_bus_seq == 7);
    CHECK_FALSE(id->gap);
    CHECK(parse_since("00000000000000ab-10", epoch, 10)->after_bus_seq == 10);
}

TEST_CASE("an id that cannot be resumed from is a gap, then everything retained") {
    constexpr std::uint64_t epoch = 0xab;
    const auto other = parse_since("00000000000000ac-7", epoch, 10);
    REQUIRE(other);
    CHECK(other->gap == gap_reason::other_epoch);
    CHECK(other->after_bus_seq == 0);
    // Even past this bus's newest message (a new bus, still empty).
    CHECK(parse_since("00000000000000ac-7", epoch, 0)->gap == gap_reason::other_epoch);
    CHECK(parse_since("00000000000000ab-11", epoch, 10)->gap == gap_reason::unknown);
    CHECK(parse_since("garbage", epoch, 10)->gap == gap_reason::unknown);
    CHECK(parse_since("LATEST", epoch, 10)->gap == gap_reason::unknown);
}

}  // namespace hookbot::fanout
