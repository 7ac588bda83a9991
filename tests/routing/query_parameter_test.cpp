#include <doctest/doctest.h>

#include "hookbot/routing/route.hpp"

using hookbot::routing::query_parameter;

TEST_CASE("query_parameter: the first parameter of that name") {
    CHECK(query_parameter("extra-metadata=github", "extra-metadata") == "github");
    CHECK(query_parameter("a=1&extra-metadata=github&b", "extra-metadata") == "github");
    CHECK(query_parameter("extra-metadata=x&extra-metadata=github", "extra-metadata") == "x");
}

TEST_CASE("query_parameter: absent is nullopt, present without value is empty") {
    CHECK_FALSE(query_parameter("", "extra-metadata"));
    CHECK_FALSE(query_parameter("a=1&b=2", "extra-metadata"));
    CHECK_FALSE(query_parameter("extra-metadata-x=github", "extra-metadata"));
    CHECK(query_parameter("extra-metadata=", "extra-metadata") == "");
    CHECK(query_parameter("extra-metadata", "extra-metadata") == "");
    CHECK(query_parameter("a&extra-metadata&b=github", "extra-metadata") == "");
}

TEST_CASE("query_parameter: the name is case-sensitive") {
    CHECK_FALSE(query_parameter("Extra-Metadata=github", "extra-metadata"));
}

TEST_CASE("query_parameter: name and value are decoded like Go's url.Query") {
    CHECK(query_parameter("extra%2Dmetadata=git%68ub", "extra-metadata") == "github");
    CHECK(query_parameter("q=a+b%2Bc", "q") == "a b+c");
    CHECK(query_parameter("q=a=b", "q") == "a=b");
}

TEST_CASE("query_parameter: a pair with an invalid escape is skipped") {
    CHECK_FALSE(query_parameter("q=%zz", "q"));
    CHECK(query_parameter("q=%zz&q=ok", "q") == "ok");
}
