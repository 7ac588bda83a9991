#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace hookbot::bench {

std::size_t histogram::index_of(std::uint64_t value) noexcept {
    constexpr std::uint64_t linear = std::uint64_t{1} << linear_bits;
    if (value < linear) return static_cast<std::size_t>(value);
    const unsigned msb = 63U - static_cast<unsigned>(std::countl_zero(value));
    const unsigned shift = msb - sub_bits;
    const std::uint64_t sub = (value >> shift) - (std::uint64_t{1} << sub_bits);
    return static_cast<std::size_t>(linear + (msb - linear_bits) * (std::uint64_t{1} << sub_bits) +
                                    sub);
}

std::uint64_t histogram::highest_of(std::size_t index) noexcept {
    constexpr std::size_t linear = std::size_t{1} << linear_bits;
    if (index < linear) return index;
    const std::size_t k = index - linear;
    const unsigned msb = static_cast<unsigned>(k >> sub_bits) + linear_bits;
    const std::uint64_t mantissa =
        (k & ((std::size_t{1} << sub_bits) - 1)) + (std::uint64_t{1} << sub_bits);
    const unsigned shift = msb - sub_bits;
    return ((mantissa + 1) << shift) - 1;
}

void histogram::record(std::uint64_t value) noexcept {
    ++buckets_[index_of(value)];
    ++count_;
    max_ = std::max(max_, value);
}

void histogram::clear() noexcept {
    buckets_.fill(0);
    count_ = 0;
    max_ = 0;
}

std::uint64_t histogram::quantile(double q) const noexcept {
    if (count_ == 0) return 0;
    const auto wanted = std::max<std::uint64_t>(
        1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= wanted) return std::min(highest_of(i), max_);
    }
    return max_;
}

}  // namespace hookbot::bench
