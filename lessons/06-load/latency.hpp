#pragma once
// A latency histogram in the HdrHistogram style: 16 buckets per power of two, so each value is
// kept within 1/16 (about 6 %) of its size, in a fixed array of counters. Recording is an index
// computation and an increment: no allocation, no sorting, cheap enough for a million values a
// second. Each load generator thread keeps its own and they are merged at the end.
//
// Percentiles, not averages: one stalled message in a thousand hides in the mean, but it is the
// p99.9 a user waits for. Pure code, no clocks: values are nanoseconds given by the caller.

#include <array>
#include <cstdint>

namespace lesson06 {

class LatencyHistogram {
public:
    void record(std::uint64_t nanos) noexcept;
    void merge(const LatencyHistogram& other) noexcept;

    std::uint64_t count() const noexcept { return count_; }
    std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
    std::uint64_t max() const noexcept { return max_; }
    double mean() const noexcept {
        return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
    }
    // The value below which `fraction` (0..1) of the recorded values lie: the upper edge of the
    // bucket that holds it, capped at the exact maximum. 0 if nothing was recorded.
    std::uint64_t percentile(double fraction) const noexcept;

    static constexpr int sub_bits = 4;  // 16 buckets per power of two
    static constexpr int bucket_count = (64 - sub_bits + 1) << sub_bits;

    static int bucket_of(std::uint64_t value) noexcept;
    static std::uint64_t bucket_upper(int bucket) noexcept;  // the largest value in it

private:
    std::array<std::uint64_t, bucket_count> buckets_{};
    std::uint64_t count_ = 0;
    std::uint64_t sum_ = 0;
    std::uint64_t min_ = ~std::uint64_t{0};
    std::uint64_t max_ = 0;
};

}  // namespace lesson06
