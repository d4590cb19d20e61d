// PingStats: the counts a ping run reports, for arrival orders played by hand.

#include "lessons/03-udp/ping_stats.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace {

using lesson03::PingPacket;
using lesson03::PingStats;
using lesson03::ReplyKind;

// Sends `n` pings at times 1000, 2000, ... (ns) and returns their packets.
std::vector<PingPacket> send(PingStats& stats, std::uint32_t n) {
    std::vector<PingPacket> packets;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint64_t at = 1000 * (stats.sent() + 1);
        packets.push_back({stats.on_sent(at), at});
    }
    return packets;
}

TEST(PingStatsTest, NumbersPingsFromZero) {
    PingStats stats;
    EXPECT_EQ(stats.on_sent(5), 0u);
    EXPECT_EQ(stats.on_sent(6), 1u);
    EXPECT_EQ(stats.sent(), 2u);
}

TEST(PingStatsTest, EverythingBackInOrderIsClean) {
    PingStats stats;
    const auto packets = send(stats, 3);
    for (const auto& p : packets) {
        const auto info = stats.on_reply(p, p.sent_ns + 500);
        EXPECT_EQ(info.kind, ReplyKind::first);
        EXPECT_FALSE(info.reordered);
        EXPECT_EQ(info.rtt.count(), 500);
    }
    const auto s = stats.summary();
    EXPECT_EQ(s.sent, 3u);
    EXPECT_EQ(s.received, 3u);
    EXPECT_EQ(s.lost, 0u);
    EXPECT_EQ(s.duplicated, 0u);
    EXPECT_EQ(s.reordered, 0u);
}

TEST(PingStatsTest, MissingSequenceNumbersAreLost) {
    PingStats stats;
    const auto packets = send(stats, 5);
    stats.on_reply(packets[0], 9000);
    stats.on_reply(packets[3], 9000);
    const auto s = stats.summary();
    EXPECT_EQ(s.received, 2u);
    EXPECT_EQ(s.lost, 3u);
    EXPECT_EQ(s.reordered, 0u) << "a gap is loss, not reordering";
}

TEST(PingStatsTest, DuplicatesCountExtraCopies) {
    PingStats stats;
    const auto packets = send(stats, 2);
    EXPECT_EQ(stats.on_reply(packets[0], 9000).kind, ReplyKind::first);
    EXPECT_EQ(stats.on_reply(packets[0], 9100).kind, ReplyKind::duplicate);
    EXPECT_EQ(stats.on_reply(packets[0], 9200).kind, ReplyKind::duplicate);
    const auto s = stats.summary();
    EXPECT_EQ(s.received, 1u);
    EXPECT_EQ(s.duplicated, 2u) << "three copies of one ping are two extra";
    EXPECT_EQ(s.lost, 1u);
}

TEST(PingStatsTest, ReorderedMeansAfterAHigherSequenceNumber) {
    PingStats stats;
    const auto p = send(stats, 5);
    // Arrival order 1, 0, 3, 2, 4: 0 and 2 each come after a higher number.
    for (const int i : {1, 0, 3, 2, 4}) stats.on_reply(p[static_cast<std::size_t>(i)], 10'000);
    EXPECT_EQ(stats.summary().reordered, 2u);
}

TEST(PingStatsTest, OneLateArrivalAfterManyCountsOnce) {
    PingStats stats;
    const auto p = send(stats, 4);
    for (const int i : {1, 2, 3, 0}) stats.on_reply(p[static_cast<std::size_t>(i)], 10'000);
    EXPECT_EQ(stats.summary().reordered, 1u);
}

TEST(PingStatsTest, ALateDuplicateIsADuplicateNotReordering) {
    PingStats stats;
    const auto p = send(stats, 3);
    stats.on_reply(p[0], 10'000);
    stats.on_reply(p[1], 10'000);
    stats.on_reply(p[2], 10'000);
    const auto info = stats.on_reply(p[0], 10'000);
    EXPECT_EQ(info.kind, ReplyKind::duplicate);
    EXPECT_FALSE(info.reordered);
    EXPECT_EQ(stats.summary().reordered, 0u);
    EXPECT_EQ(stats.summary().duplicated, 1u);
}

TEST(PingStatsTest, RepliesWeNeverSentAreInvalid) {
    PingStats stats;
    const auto p = send(stats, 2);
    EXPECT_EQ(stats.on_reply({7, p[0].sent_ns}, 10'000).kind, ReplyKind::invalid) << "unknown sequence";
    EXPECT_EQ(stats.on_reply({2, p[1].sent_ns}, 10'000).kind, ReplyKind::invalid)
        << "the next one, not sent yet";
    EXPECT_EQ(stats.on_reply({0, p[0].sent_ns + 1}, 10'000).kind, ReplyKind::invalid) << "forged send time";
    stats.on_invalid();
    const auto s = stats.summary();
    EXPECT_EQ(s.invalid, 4u);
    EXPECT_EQ(s.received, 0u);
    EXPECT_FALSE(s.rtt) << "no round trip without a reply";
}

TEST(PingStatsTest, RoundTripsAreMinAvgMaxAndNearestRankP99) {
    PingStats stats;
    const auto p = send(stats, 100);
    // Round trips of 1..100 microseconds.
    for (std::size_t i = 0; i < p.size(); ++i) stats.on_reply(p[i], p[i].sent_ns + 1000 * (i + 1));
    const auto s = stats.summary();
    ASSERT_TRUE(s.rtt);
    EXPECT_EQ(s.rtt->min.count(), 1000);
    EXPECT_EQ(s.rtt->max.count(), 100'000);
    EXPECT_EQ(s.rtt->avg.count(), 50'500);
    EXPECT_EQ(s.rtt->p99.count(), 99'000) << "rank ceil(0.99 * 100) = 99";
}

TEST(PingStatsTest, NearestRankPercentileOnSmallSamples) {
    EXPECT_EQ(lesson03::nearest_rank_percentile({5}, 99), 5);
    EXPECT_EQ(lesson03::nearest_rank_percentile({3, 1, 2}, 50), 2);
    EXPECT_EQ(lesson03::nearest_rank_percentile({10, 20, 30, 40}, 99), 40) << "rank ceil(3.96) = 4";
    EXPECT_EQ(lesson03::nearest_rank_percentile({10, 20, 30, 40}, 25), 10);
}

TEST(PingStatsTest, SummaryLineIsMachineReadable) {
    PingStats stats;
    const auto p = send(stats, 3);
    stats.on_reply(p[1], p[1].sent_ns + 41'200);
    stats.on_reply(p[0], p[0].sent_ns + 90'300);
    stats.on_reply(p[0], p[0].sent_ns + 95'000);
    EXPECT_EQ(lesson03::summary_line(stats.summary()),
              "summary sent=3 received=2 lost=1 duplicated=1 reordered=1 invalid=0 rtt_min_us=41.2 "
              "rtt_avg_us=65.8 rtt_max_us=90.3 rtt_p99_us=90.3");
    EXPECT_EQ(lesson03::summary_text(stats.summary()),
              "3 sent, 2 received, 1 lost (33.3%), 1 duplicated, 1 reordered\n"
              "round trip min/avg/max/p99 = 0.041/0.066/0.090/0.090 ms");
}

TEST(PingStatsTest, SummaryLineWithoutRepliesHasNoRoundTrips) {
    PingStats stats;
    send(stats, 2);
    EXPECT_EQ(lesson03::summary_line(stats.summary()),
              "summary sent=2 received=0 lost=2 duplicated=0 reordered=0 invalid=0");
}

}  // namespace
