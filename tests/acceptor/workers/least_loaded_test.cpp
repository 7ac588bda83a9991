#include "workers/least_loaded.hpp"

#include <doctest/doctest.h>

#include <vector>

using hookbot::acceptor::least_loaded_choice;
using hookbot::acceptor::unavailable_load;

TEST_CASE("no worker, or none available: no choice") {
    least_loaded_choice choice;
    CHECK_FALSE(choice.choose({}).has_value());
    const std::vector<std::uint64_t> loads{unavailable_load, unavailable_load};
    CHECK_FALSE(choice.choose(loads).has_value());
}

TEST_CASE("the least loaded wins") {
    least_loaded_choice choice;
    const std::vector<std::uint64_t> loads{5, 2, 7, 3};
    CHECK(choice.choose(loads) == 1);
    CHECK(choice.choose(loads) == 1);
}

TEST_CASE("ties rotate so a burst spreads over every worker") {
    least_loaded_choice choice;
    const std::vector<std::uint64_t> loads{4, 4, 4};
    CHECK(choice.choose(loads) == 0);
    CHECK(choice.choose(loads) == 1);
    CHECK(choice.choose(loads) == 2);
    CHECK(choice.choose(loads) == 0);
}

TEST_CASE("rotation only among the least loaded; unavailable ones are skipped") {
    least_loaded_choice choice;
    const std::vector<std::uint64_t> loads{1, 9, unavailable_load, 1};
    CHECK(choice.choose(loads) == 0);
    CHECK(choice.choose(loads) == 3);
    CHECK(choice.choose(loads) == 0);
}

TEST_CASE("a burst that counts its own handoffs spreads evenly") {
    least_loaded_choice choice;
    std::vector<std::uint64_t> loads{0, 0, 0, 0};
    std::vector<int> picks(4, 0);
    for (int i = 0; i < 100; ++i) {
        const auto chosen = choice.choose(loads);
        REQUIRE(chosen.has_value());
        ++loads[*chosen];
        ++picks[*chosen];
    }
    for (const int count : picks) CHECK(count == 25);
}
