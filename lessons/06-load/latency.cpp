#include "latency.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace lesson06 {

// Values below 16 get a bucket each. Above, the top bit (exponent e >= 4) picks a group of 16
// buckets and the 4 bits below it pick one within the group.
int LatencyHistogram::bucket_of(std::uint64_t value) noexcept {
    // TASK 06.buckets: map a latency to its bucket and a bucket to its largest value
    // STUB: (void)value;
    constexpr std::uint64_t sub_count = std::uint64_t{1} << sub_bits;
    if (value < sub_count) return static_cast<int>(value);
    const int exponent = 63 - std::countl_zero(value);  // >= sub_bits
    const int group = exponent - sub_bits + 1;
    const auto sub = static_cast<int>((value >> (exponent - sub_bits)) & (sub_count - 1));
    return (group << sub_bits) + sub;
    // END TASK 06.buckets
}

std::uint64_t LatencyHistogram::bucket_upper(int bucket) noexcept {
    // TASK 06.buckets: map a latency to its bucket and a bucket to its largest value
    // STUB: (void)bucket;
    constexpr int sub_count = 1 << sub_bits;
    if (bucket < sub_count) return static_cast<std::uint64_t>(bucket);
    const int group = bucket >> sub_bits;
    const int sub = bucket & (sub_count - 1);
    const int exponent = group + sub_bits - 1;
    const int shift = exponent - sub_bits;
    const std::uint64_t low = (std::uint64_t{1} << exponent) + (static_cast<std::uint64_t>(sub) << shift);
    return low + ((std::uint64_t{1} << shift) - 1);
    // END TASK 06.buckets
}

void LatencyHistogram::record(std::uint64_t nanos) noexcept {
    ++buckets_[static_cast<std::size_t>(bucket_of(nanos))];
    ++count_;
    sum_ += nanos;
    min_ = std::min(min_, nanos);
    max_ = std::max(max_, nanos);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
    for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
    count_ += other.count_;
    sum_ += other.sum_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::percentile(double fraction) const noexcept {
    if (count_ == 0) return 0;
    // TASK 06.percentile: find a percentile by walking the buckets up to its rank
    // STUB: (void)fraction;
    fraction = std::clamp(fraction, 0.0, 1.0);
    // The rank of the value asked for, 1-based: p50 of 10 values is the 5th.
    auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        seen += buckets_[i];
        if (seen >= rank) return std::min(bucket_upper(static_cast<int>(i)), max_);
    }
    return max_;
    // END TASK 06.percentile
}

}  // namespace lesson06
