// SIGHUP's key reload: new keys for new requests, or the old ones kept.
#include "key_reload.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

#include "../support/temporary_directory.hpp"
#include "hookbot/auth/token.hpp"

using namespace hookbot::acceptor;
using hookbot::auth::make_token;

namespace {

bool opens(const hookbot::auth::verifier& verifier, std::string_view key) {
    return verifier.authorizes(make_token(key, "/pub/x"), "/pub/x");
}

}  // namespace

TEST_CASE("a key file's keys all verify; SIGHUP swaps them, or keeps them if the file is bad") {
    const temporary_directory folder;
    acceptor_options options;
    options.key_file = folder.write("key", "old-key\n");
    auto verifier = load_verifier(options);
    CHECK(opens(verifier, "old-key"));
    CHECK_FALSE(opens(verifier, "new-key"));

    folder.write("key", "# rotating\nnew-key\nold-key\n");
    reload_verifier(options, verifier);
    CHECK(verifier.key_count() == 2);
    CHECK(verifier.signing_key() == "new-key");
    CHECK(opens(verifier, "old-key"));
    CHECK(opens(verifier, "new-key"));

    folder.write("key", "new-key\n");
    reload_verifier(options, verifier);
    CHECK_FALSE(opens(verifier, "old-key"));
    CHECK(opens(verifier, "new-key"));

    for (const char* broken : {"", "# soon\n", "new-key\nchangeme\n"}) {
        CAPTURE(broken);
        folder.write("key", broken);
        reload_verifier(options, verifier);
        CHECK(verifier.key_count() == 1);
        CHECK(opens(verifier, "new-key"));
    }
    std::filesystem::remove(options.key_file);
    reload_verifier(options, verifier);
    CHECK(opens(verifier, "new-key"));
}

TEST_CASE("a literal key: loaded once, SIGHUP changes nothing; placeholders refused") {
    acceptor_options options;
    options.key = "env-key";
    auto verifier = load_verifier(options);
    reload_verifier(options, verifier);
    CHECK(opens(verifier, "env-key"));

    options.key = "CHANGEME";
    CHECK_THROWS_AS(load_verifier(options), std::invalid_argument);
    options.key_file = "/nonexistent/hookbot-key";
    CHECK_THROWS_AS(load_verifier(options), std::runtime_error);
}
