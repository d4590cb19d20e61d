// The latency histogram: buckets within 1/16 of the value, exact percentiles for small counts.
#include "latency.hpp"

#include <gtest/gtest.h>

namespace lesson06 {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
    const LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.percentile(0.5), 0u);
    EXPECT_EQ(h.max(), 0u);
    EXPECT_EQ(h.min(), 0u);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 10; ++v) h.record(v);
    EXPECT_EQ(h.percentile(0.5), 5u);  // the 5th of 10
    EXPECT_EQ(h.percentile(0.9), 9u);
    EXPECT_EQ(h.percentile(1.0), 10u);
    EXPECT_EQ(h.min(), 1u);
    EXPECT_DOUBLE_EQ(h.mean(), 5.5);
}

TEST(LatencyHistogramTest, EveryValueFallsInABucketWithin1In16) {
    for (std::uint64_t v :
         {16ULL, 17ULL, 31ULL, 32ULL, 1000ULL, 123456ULL, 1ULL << 40, (1ULL << 63) + 12345, ~0ULL}) {
        const int bucket = LatencyHistogram::bucket_of(v);
        ASSERT_LT(bucket, LatencyHistogram::bucket_count);
        const std::uint64_t upper = LatencyHistogram::bucket_upper(bucket);
        EXPECT_GE(upper, v);
        EXPECT_LE(static_cast<double>(upper - v), static_cast<double>(v) / 16.0) << v;
        if (bucket > 0) {
            EXPECT_LT(LatencyHistogram::bucket_upper(bucket - 1), v) << v;
        }
    }
}

TEST(LatencyHistogramTest, BucketsAreOrdered) {
    for (int b = 1; b < LatencyHistogram::bucket_count; ++b) {
        ASSERT_LT(LatencyHistogram::bucket_upper(b - 1), LatencyHistogram::bucket_upper(b)) << b;
        ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_upper(b)), b);
    }
}

TEST(LatencyHistogramTest, OneSlowValueShowsInP99NotInP50) {
    LatencyHistogram h;
    for (int i = 0; i < 99; ++i) h.record(1000);
    h.record(1'000'000);
    EXPECT_LE(h.percentile(0.5), 1000u + 1000u / 16);
    EXPECT_LE(h.percentile(0.99), 1000u + 1000u / 16);
    EXPECT_EQ(h.percentile(0.999), 1'000'000u);  // capped at the exact maximum
    EXPECT_GT(h.mean(), 10'000.0);               // the mean is ten times the typical value
}

TEST(LatencyHistogramTest, MergeAddsCounts) {
    LatencyHistogram a, b;
    a.record(5);
    b.record(7);
    b.record(3);
    a.merge(b);
    EXPECT_EQ(a.count(), 3u);
    EXPECT_EQ(a.min(), 3u);
    EXPECT_EQ(a.max(), 7u);
    EXPECT_EQ(a.percentile(0.5), 5u);
}

}  // namespace
}  // namespace lesson06
