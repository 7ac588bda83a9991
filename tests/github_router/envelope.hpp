#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "hookbot/auth/base64.hpp"
#include "hookbot/auth/token.hpp"

// Test messages as `?extra-metadata=github` publishes them (docs/PROTOCOL.md X1).
namespace hookbot::github_router::testing {

inline constexpr std::string_view secret = "gh-secret";

inline std::string sha256_signature(std::string_view payload, std::string_view key = secret) {
    return "sha256=" + auth::make_token(key, payload, auth::hash_kind::sha256);
}

inline std::string sha1_signature(std::string_view payload, std::string_view key = secret) {
    return "sha1=" + auth::make_token(key, payload, auth::hash_kind::sha1);
}

// The envelope of `payload` for `event`, signed (SHA-256) unless `signature`
// says otherwise.
inline std::string envelope(std::string_view payload, std::string_view event = "push") {
    nlohmann::ordered_json e;
    e["Delivery"] = "d-1";
    e["Event"] = event;
    e["Payload"] = auth::base64_encode(payload);
    e["Signature"] = sha256_signature(payload);
    return e.dump();
}

inline std::string envelope_signed(std::string_view payload, std::string_view signature,
                                   std::string_view event = "push") {
    nlohmann::ordered_json e;
    e["Delivery"] = "d-1";
    e["Event"] = event;
    e["Payload"] = auth::base64_encode(payload);
    e["Signature"] = signature;
    return e.dump();
}

}  // namespace hookbot::github_router::testing
