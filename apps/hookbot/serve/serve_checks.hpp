#pragma once

#include <optional>
#include <string>

#include "hookbot/auth/key_source.hpp"
#include "hookbot/tls/server_context.hpp"
#include "serve/serve_options.hpp"

namespace hookbot::serve {

// What `hookbot serve` established before it touches anything: the keys and
// the TLS files loaded, the options consistent.
struct checked_serve {
    auth::key_source keys;
    std::optional<tls::server_files> tls;  // nullopt: plain HTTP
    bool github_router = false;
    cluster::cluster_options cluster;  // not enabled(): a single host
};

// Checks the options, the keys and the TLS files, so that a mistake stops
// serve before a socket is bound or a child started. On a mistake, says why
// on stderr ("hookbot serve: ..."; exactly "HOOKBOT_KEY not set" without a
// key, docs/PROTOCOL.md C1) and returns nullopt.
std::optional<checked_serve> validate(const serve_options& options,
                                      const auth::key_flags& key_flags,
                                      const std::string& github_secret);

}  // namespace hookbot::serve
