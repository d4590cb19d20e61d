// FaultPlan: the server's drop/duplicate/delay decisions, checked against the rule written in
// fault_plan.hpp, reimplemented here from that text alone.

#include "lessons/03-udp/fault_plan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>

namespace {

using lesson03::FaultConfig;
using lesson03::FaultPlan;
using std::chrono::milliseconds;

// SplitMix64 exactly as published (Vigna's splitmix64.c): a state that grows by the golden
// gamma, and the output mix. Written out again so the test does not trust the code under test.
class ReferenceSplitMix64 {
public:
    explicit ReferenceSplitMix64(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
        z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t state_;
};

TEST(FaultPlanTest, SplitMix64MatchesThePublishedFirstOutputsForSeedZero) {
    ReferenceSplitMix64 reference(0);
    EXPECT_EQ(reference.next(), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(lesson03::splitmix64(0x9e3779b97f4a7c15ULL), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(reference.next(), 0x6e789e6aa1b965f4ULL);
    EXPECT_EQ(reference.next(), 0x06c45d188009454fULL);
}

TEST(FaultPlanTest, FollowsTheDocumentedRuleDrawForDraw) {
    const FaultConfig config{
        .drop_rate = 0.3, .duplicate_rate = 0.25, .delay_ms = 5, .jitter_ms = 40, .seed = 42};
    const FaultPlan plan(config);
    ReferenceSplitMix64 generator(config.seed);  // four draws per datagram, in arrival order
    const auto fraction = [](std::uint64_t d) { return static_cast<double>(d >> 11) / 9007199254740992.0; };
    for (std::uint64_t k = 0; k < 2000; ++k) {
        const std::uint64_t d1 = generator.next(), d2 = generator.next(), d3 = generator.next(),
                            d4 = generator.next();
        const bool dropped = fraction(d1) < config.drop_rate;
        const bool duplicated = !dropped && fraction(d2) < config.duplicate_rate;
        const auto decision = plan.decide(k);
        ASSERT_EQ(decision.dropped, dropped) << "datagram " << k;
        ASSERT_EQ(decision.duplicated, duplicated) << "datagram " << k;
        ASSERT_EQ(decision.delay[0], milliseconds(5 + d3 % 41)) << "datagram " << k;
        ASSERT_EQ(decision.delay[1], milliseconds(5 + d4 % 41)) << "datagram " << k;
    }
}

TEST(FaultPlanTest, EachDecisionDependsOnlyOnSeedAndArrivalNumber) {
    const FaultPlan plan(
        {.drop_rate = 0.5, .duplicate_rate = 0.5, .delay_ms = 0, .jitter_ms = 100, .seed = 9});
    const auto late_first = plan.decide(777);
    for (std::uint64_t k = 0; k < 777; ++k) plan.decide(k);
    const auto late_again = plan.decide(777);
    EXPECT_EQ(late_first.dropped, late_again.dropped);
    EXPECT_EQ(late_first.duplicated, late_again.duplicated);
    EXPECT_EQ(late_first.delay, late_again.delay);
}

TEST(FaultPlanTest, DifferentSeedsGiveDifferentFaults) {
    const FaultPlan one({.drop_rate = 0.5, .seed = 1});
    const FaultPlan two({.drop_rate = 0.5, .seed = 2});
    int differences = 0;
    for (std::uint64_t k = 0; k < 100; ++k) differences += one.decide(k).dropped != two.decide(k).dropped;
    EXPECT_GT(differences, 20);
}

TEST(FaultPlanTest, RatesComeOutNearTheirProbability) {
    const FaultPlan plan({.drop_rate = 0.1, .duplicate_rate = 0.2, .seed = 1});
    int dropped = 0, duplicated = 0;
    constexpr int n = 100'000;
    for (std::uint64_t k = 0; k < n; ++k) {
        const auto decision = plan.decide(k);
        dropped += decision.dropped;
        duplicated += decision.duplicated;
    }
    EXPECT_NEAR(dropped / double(n), 0.1, 0.005);
    // Only datagrams that were not dropped can be duplicated: 0.9 * 0.2.
    EXPECT_NEAR(duplicated / double(n), 0.18, 0.005);
}

TEST(FaultPlanTest, ZeroRatesNeverFaultAndRateOneAlwaysDoes) {
    const FaultPlan clean({.seed = 5});
    const FaultPlan all_dropped({.drop_rate = 1.0, .duplicate_rate = 1.0, .seed = 5});
    const FaultPlan all_duplicated({.duplicate_rate = 1.0, .seed = 5});
    for (std::uint64_t k = 0; k < 1000; ++k) {
        EXPECT_EQ(clean.decide(k).copies(), 1);
        EXPECT_EQ(clean.decide(k).delay[0], milliseconds(0));
        EXPECT_EQ(all_dropped.decide(k).copies(), 0);
        EXPECT_FALSE(all_dropped.decide(k).duplicated) << "a dropped datagram is never duplicated";
        EXPECT_EQ(all_duplicated.decide(k).copies(), 2);
    }
}

TEST(FaultPlanTest, DelaysStayBetweenDelayAndDelayPlusJitter) {
    const FaultPlan plan({.delay_ms = 20, .jitter_ms = 10, .seed = 3});
    bool saw_low = false, saw_high = false;
    for (std::uint64_t k = 0; k < 1000; ++k) {
        for (const auto delay : plan.decide(k).delay) {
            EXPECT_GE(delay, milliseconds(20));
            EXPECT_LE(delay, milliseconds(30));
            saw_low |= delay == milliseconds(20);
            saw_high |= delay == milliseconds(30);
        }
    }
    EXPECT_TRUE(saw_low && saw_high) << "both ends of the range are possible";
    const FaultPlan fixed({.delay_ms = 7, .seed = 3});
    EXPECT_EQ(fixed.decide(12).delay[0], milliseconds(7));
}

TEST(FaultPlanTest, RejectsRatesOutsideZeroToOne) {
    EXPECT_THROW(FaultPlan({.drop_rate = 1.5}), std::invalid_argument);
    EXPECT_THROW(FaultPlan({.duplicate_rate = -0.1}), std::invalid_argument);
}

TEST(FaultPlanTest, DescribesItselfForTheLog) {
    const FaultPlan plan({.drop_rate = 0.1, .duplicate_rate = 0, .delay_ms = 5, .jitter_ms = 20, .seed = 1});
    EXPECT_EQ(plan.describe(), "drop 10%, duplicate 0%, delay 5+0..20 ms, seed 1");
}

}  // namespace
