// The query string `?extra-metadata=request` keeps (docs/PROTOCOL.md X3).
#include "hookbot/request_metadata/kept_query.hpp"

#include <doctest/doctest.h>

using hookbot::request_metadata::kept_query;

TEST_CASE("X3: the query is kept as it came, less extra-metadata and access_token") {
    CHECK(kept_query("") == "");
    CHECK(kept_query("extra-metadata=request") == "");
    CHECK(kept_query("a=1&extra-metadata=request&b=%20x+y") == "a=1&b=%20x+y");
    CHECK(kept_query("extra-metadata=request&a&&b=") == "a&b=");
    CHECK(kept_query("access_token=secret&a=1") == "a=1");
    // Spelt another way, a name is still the same parameter to the server.
    CHECK(kept_query("access%5Ftoken=secret&extra%2Dmetadata=request&z=1") == "z=1");
    CHECK(kept_query("Access_Token=1") == "Access_Token=1");
    // An undecodable name is kept verbatim: the server reads no parameter there.
    CHECK(kept_query("%zz=1&extra-metadata=request") == "%zz=1");
}
