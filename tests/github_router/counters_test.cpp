#include "hookbot/github_router/counters.hpp"

#include <doctest/doctest.h>

using namespace hookbot::github_router;

TEST_CASE("counters: every decision is counted once, by kind") {
    counters seen;
    seen.count(routed{"t", "b"});
    seen.count(rejected{reject_reason::signature_missing});
    seen.count(rejected{reject_reason::signature_wrong});
    seen.count(rejected{reject_reason::signature_wrong});
    seen.count(ignored{ignore_reason::not_push});
    seen.count(ignored{ignore_reason::no_repository});
    seen.count(ignored{ignore_reason::envelope_not_json});
    seen.count(ignored{ignore_reason::payload_not_json});
    seen.count(ignored{ignore_reason::payload_not_base64});
    CHECK(seen.messages == 9);
    CHECK(seen.published == 0);  // the caller counts the publish
    CHECK(seen.rejected_signature_missing == 1);
    CHECK(seen.rejected_signature_wrong == 2);
    CHECK(seen.rejected_total() == 3);
    CHECK(seen.ignored_not_push == 1);
    CHECK(seen.ignored_no_repository == 1);
    CHECK(seen.ignored_malformed == 3);
    CHECK(seen.ignored_total() == 5);
}
