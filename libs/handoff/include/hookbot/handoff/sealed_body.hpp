#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hookbot/posix/unique_fd.hpp"

// A request body too large for one control packet travels as a memfd passed
// with SCM_RIGHTS: the worker writes it once and seals it, so the acceptor
// reads bytes nobody can change under it any more, with one copy and no
// limit from the socket's buffer size.
namespace hookbot::handoff {

// A sealed memfd holding `body` (no writes, no resizing). Throws
// std::system_error.
posix::unique_fd seal_body(std::string_view body);

// The body in `fd`, if it is a memfd sealed against writes and resizing and
// holds exactly `expected_bytes`; nullopt otherwise (or on a read error).
std::optional<std::string> read_sealed_body(int fd, std::uint64_t expected_bytes);

}  // namespace hookbot::handoff
