#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "hookbot/shm_ring/bus.hpp"
#include "hookbot/shm_ring/layout.hpp"
#include "hookbot/shm_ring/ring_span.hpp"

namespace hookbot::shm_ring::test {

// A bus instance name no other test (or test run) uses.
inline std::string unique_instance(std::string_view what) {
    static int counter = 0;
    return "test-" + std::string(what) + "-" + std::to_string(::getpid()) + "-" +
           std::to_string(++counter);
}

// Removes the bus's segments when the test ends, however it ends.
class bus_guard {
  public:
    explicit bus_guard(std::string instance) : instance_(std::move(instance)) {}
    bus_guard(const bus_guard&) = delete;
    bus_guard& operator=(const bus_guard&) = delete;
    ~bus_guard() { bus::remove(instance_); }
    [[nodiscard]] const std::string& instance() const noexcept { return instance_; }

  private:
    std::string instance_;
};

// One ring in ordinary memory, for tests of the ring primitives alone.
class local_ring {
  public:
    explicit local_ring(std::uint64_t capacity, std::uint64_t max_record = 0)
        : header_(std::make_unique<layout::ring_header>()),
          data_(std::make_unique<std::byte[]>(capacity)),
          capacity_(capacity),
          max_record_(max_record != 0 ? max_record : capacity / 4) {}

    [[nodiscard]] ring_span span() const noexcept {
        return ring_span{header_.get(), data_.get(), capacity_, max_record_};
    }
    [[nodiscard]] layout::ring_header& header() const noexcept { return *header_; }
    [[nodiscard]] std::byte* data() const noexcept { return data_.get(); }

  private:
    std::unique_ptr<layout::ring_header> header_;
    std::unique_ptr<std::byte[]> data_;
    std::uint64_t capacity_;
    std::uint64_t max_record_;
};

// A body whose bytes all derive from `seed`, so a reader can check it.
inline std::string pattern_body(std::uint64_t seed, std::size_t bytes) {
    std::string body(bytes, '\0');
    for (std::size_t i = 0; i < bytes; ++i)
        body[i] = static_cast<char>((seed * 131 + i * 7) & 0xff);
    return body;
}

// A body length that cycles through sizes from 0 up to `max`.
inline std::size_t varied_size(std::uint64_t seed, std::size_t max) {
    return static_cast<std::size_t>((seed * 2654435761ULL) % (max + 1));
}

}  // namespace hookbot::shm_ring::test
