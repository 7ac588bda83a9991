#pragma once

#include <array>
#include <cstdint>

namespace hookbot::bench {

// An HDR-style histogram of nanosecond values: exact below 128, then 64
// linear sub-buckets per power of two (relative error under 1.6 %). A fixed
// array: recording never allocates.
class histogram {
  public:
    void record(std::uint64_t value) noexcept;
    void clear() noexcept;

    [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
    [[nodiscard]] std::uint64_t max() const noexcept { return max_; }
    // The highest value equivalent to the one at quantile q (0..1], as
    // HdrHistogram reports it; 0 when empty.
    [[nodiscard]] std::uint64_t quantile(double q) const noexcept;

  private:
    static constexpr unsigned linear_bits = 7;  // 128 exact values
    static constexpr unsigned sub_bits = linear_bits - 1;
    static constexpr std::size_t bucket_count =
        (std::size_t{1} << linear_bits) + (64 - linear_bits) * (std::size_t{1} << sub_bits);

    static std::size_t index_of(std::uint64_t value) noexcept;
    static std::uint64_t highest_of(std::size_t index) noexcept;

    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t max_ = 0;
};

}  // namespace hookbot::bench
