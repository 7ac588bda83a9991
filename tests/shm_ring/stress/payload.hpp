#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// What the stress writer puts in a record, and how a reader checks it.
//
//   body: seq (u64) · pool offset (u32) · payload length (u32) · check (u64)
//         · payload = pool[offset, offset + length)
//
// Every process builds the same pseudo-random pool from the same seed, so a
// reader compares each payload byte for byte; `check` mixes the other fields
// and the topic, so a body glued from two records fails too.
namespace hookbot::shm_ring::stress {

inline constexpr std::size_t body_header_bytes = 24;
inline constexpr std::size_t max_payload_bytes = 60000;
inline constexpr std::string_view end_topic = "stress/end";

class payload_pool {
  public:
    explicit payload_pool(std::uint64_t seed);
    [[nodiscard]] const std::byte* data() const noexcept { return bytes_.data(); }
    [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }

  private:
    std::vector<std::byte> bytes_;
};

struct body_fields {
    std::uint64_t seq;
    std::uint32_t offset;
    std::uint32_t length;
};

// Fills `body` (reused between calls) for record `seq` of `topic`.
void make_body(const payload_pool& pool, std::string_view topic, body_fields fields,
               std::string& body);

// The fields of an intact body, or an explanation of what is wrong.
struct body_check {
    bool intact;
    body_fields fields;
    const char* problem;
};
body_check check_body(const payload_pool& pool, std::string_view topic, std::string_view body);

// splitmix64: a small, fast, seedable generator for sizes and topics.
struct random_source {
    std::uint64_t state;
    std::uint64_t next() noexcept {
        std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
};

}  // namespace hookbot::shm_ring::stress
