#pragma once

#include <string_view>

// docs/PROTOCOL.md R1: the signature GitHub puts on a delivery, as the
// `?extra-metadata=github` envelope carries it in `Signature`.
namespace hookbot::github_router {

// True when `signature` is "sha256=<hex HMAC-SHA256 of payload>" or the
// legacy "sha1=<hex HMAC-SHA1 of payload>", keyed with `secret`. The hex is
// lowercase, as GitHub writes it; the comparison is constant-time. An empty
// secret verifies nothing (anyone could sign with it).
bool signature_matches(std::string_view signature, std::string_view payload,
                       std::string_view secret);

}  // namespace hookbot::github_router
