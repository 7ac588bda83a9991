// The counters every process reads from the control segment: the topic-prefix
// table's sequence lock, also after its writer died in the middle of a write.
#include "hookbot/shm_ring/counters.hpp"

#include <doctest/doctest.h>

#include <memory>

namespace hookbot::shm_ring {
namespace {

prefix_counts two_prefixes() {
    prefix_counts counts;
    counts.top = {{"github.com", 3}, {"ci", 1}};
    counts.other = 2;
    return counts;
}

TEST_CASE("what the worker writes, the reader reads whole") {
    const auto table = std::make_unique<topic_prefix_table>();
    write_topic_prefixes(*table, two_prefixes());
    const auto read = read_topic_prefixes(*table);
    REQUIRE(read);
    REQUIRE(read->top.size() == 2);
    CHECK(read->top[0].name == "github.com");
    CHECK(read->top[0].subscribers == 3);
    CHECK(read->top[1].name == "ci");
    CHECK(read->other == 2);
}

TEST_CASE("a table left mid-write by a worker that died is readable after the next write") {
    const auto table = std::make_unique<topic_prefix_table>();
    write_topic_prefixes(*table, two_prefixes());
    // The worker died between its two sequence stores: odd, and readers retry.
    table->sequence.store(table->sequence.load() + 1);
    CHECK_FALSE(read_topic_prefixes(*table, 3));
    // Its successor in the slot writes again.
    prefix_counts counts;
    counts.top = {{"deploys", 5}};
    write_topic_prefixes(*table, counts);
    CHECK(table->sequence.load() % 2 == 0);
    const auto read = read_topic_prefixes(*table);
    REQUIRE(read);
    REQUIRE(read->top.size() == 1);
    CHECK(read->top[0].name == "deploys");
    CHECK(read->top[0].subscribers == 5);
}

}  // namespace
}  // namespace hookbot::shm_ring
