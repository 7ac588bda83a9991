#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// How a message published with `?extra-metadata=request` rides in the bus:
// one record, its flags holding record_flag_request, its body
//
//   0        4                    4 + L
//   ┌────────┬────────────────────┬──────────────────────────────┐
//   │ L      │ the kept request   │ the published body, byte for │
//   │ (u32,  │ as JSON            │ byte                         │
//   │ little │ (kept_request.hpp) │                              │
//   │ endian)│                    │                              │
//   └────────┴────────────────────┴──────────────────────────────┘
//
// A record without the flag is the body alone, as before. The prefix travels
// with the body everywhere a body goes (a blob for a large one, a resume's
// replay), and the fanout workers split it off where they build what each
// subscriber gets: the body alone in the original framing, the body and the
// request in the JSON and event-stream envelopes.
namespace hookbot::request_metadata {

// In shm_ring's record_header::flags: a publisher's flag (the bus passes it
// through; its own blob flag is the top bit).
inline constexpr std::uint32_t record_flag_request = 1u << 0;

inline constexpr std::size_t record_prefix_bytes = 4;

// The record body for `request_json` and `body`.
std::string join_record_body(std::string_view request_json, std::string_view body);

struct record_parts {
    std::string_view request_json;
    std::string_view body;
};

// The two parts of a record body join_record_body made; nullopt when the
// length does not fit the bytes (never from a sound writer).
std::optional<record_parts> split_record_body(std::string_view record_body) noexcept;

}  // namespace hookbot::request_metadata
