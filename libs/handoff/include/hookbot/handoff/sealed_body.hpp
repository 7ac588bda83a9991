#pragma once

#include <cstddef>
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

// A sealed body mapped read-only: no copy, however large (a 25 MiB webhook),
// and safe, since nobody can change or shrink a sealed memfd any more.
class mapped_sealed_body {
  public:
    mapped_sealed_body(mapped_sealed_body&& other) noexcept;
    mapped_sealed_body& operator=(mapped_sealed_body&& other) noexcept;
    mapped_sealed_body(const mapped_sealed_body&) = delete;
    mapped_sealed_body& operator=(const mapped_sealed_body&) = delete;
    ~mapped_sealed_body();

    [[nodiscard]] std::string_view bytes() const noexcept {
        return {static_cast<const char*>(address_), size_};
    }

  private:
    friend std::optional<mapped_sealed_body> map_sealed_body(int, std::uint64_t);
    mapped_sealed_body(const void* address, std::size_t size) noexcept
        : address_(address), size_(size) {}

    const void* address_ = nullptr;
    std::size_t size_ = 0;
};

// The body in `fd`, if it is a memfd sealed against writes and resizing and
// holds exactly `expected_bytes`; nullopt otherwise (or when it cannot be
// mapped).
std::optional<mapped_sealed_body> map_sealed_body(int fd, std::uint64_t expected_bytes);

// The same, copied out.
std::optional<std::string> read_sealed_body(int fd, std::uint64_t expected_bytes);

}  // namespace hookbot::handoff
