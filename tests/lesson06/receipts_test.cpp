// A broadcast receiver's Receipts: every delivery classified exactly (in order, out of order,
// duplicate, unknown), and complete once every message of every sender has come.
#include "receipts.hpp"

#include <gtest/gtest.h>

namespace lesson06 {
namespace {

using Outcome = Receipts::Outcome;

TEST(ReceiptsTest, EachSendersMessagesInTheirOrderAreInOrder) {
    Receipts receipts(2, 3);
    // Two senders interleaved, each in its own order: a chat may interleave senders freely.
    EXPECT_EQ(receipts.record(0, 0), Outcome::in_order);
    EXPECT_EQ(receipts.record(1, 0), Outcome::in_order);
    EXPECT_EQ(receipts.record(1, 1), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 1), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 2), Outcome::in_order);
    EXPECT_FALSE(receipts.complete());
    EXPECT_EQ(receipts.record(1, 2), Outcome::in_order);
    EXPECT_TRUE(receipts.complete());
    EXPECT_EQ(receipts.delivered(), 6u);
}

TEST(ReceiptsTest, AGapIsMissingNotOutOfOrder) {
    Receipts receipts(1, 5);
    EXPECT_EQ(receipts.record(0, 0), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 3), Outcome::in_order);  // 1 and 2 lost: counted as missing at the end
    EXPECT_EQ(receipts.record(0, 4), Outcome::in_order);
    EXPECT_EQ(receipts.delivered(), 3u);
    EXPECT_FALSE(receipts.complete());
}

TEST(ReceiptsTest, AMessageOvertakenByALaterOneOfItsSenderIsOutOfOrder) {
    Receipts receipts(2, 4);
    EXPECT_EQ(receipts.record(0, 1), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 0), Outcome::out_of_order);  // came after seq 1
    EXPECT_EQ(receipts.record(1, 0), Outcome::in_order);      // another sender's order is its own
    EXPECT_EQ(receipts.record(0, 3), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 2), Outcome::out_of_order);
    EXPECT_EQ(receipts.delivered(), 5u);  // out of order, but delivered
}

TEST(ReceiptsTest, ASecondCopyIsADuplicateWhereverItComes) {
    Receipts receipts(1, 3);
    EXPECT_EQ(receipts.record(0, 0), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 0), Outcome::duplicate);  // right after
    EXPECT_EQ(receipts.record(0, 2), Outcome::in_order);
    EXPECT_EQ(receipts.record(0, 0), Outcome::duplicate);  // after a later one: still a duplicate only
    EXPECT_EQ(receipts.record(0, 1), Outcome::out_of_order);
    EXPECT_EQ(receipts.record(0, 1), Outcome::duplicate);
    EXPECT_EQ(receipts.delivered(), 3u);
    EXPECT_TRUE(receipts.complete());
}

TEST(ReceiptsTest, TokensOutsideTheRunAreUnknown) {
    Receipts receipts(2, 10);
    EXPECT_EQ(receipts.record(2, 0), Outcome::unknown);   // no third sender
    EXPECT_EQ(receipts.record(0, 10), Outcome::unknown);  // seq past --messages
    EXPECT_EQ(receipts.delivered(), 0u);
    const Receipts none;  // a sender's connection expects nothing
    EXPECT_TRUE(none.complete());
}

TEST(ReceiptsTest, BitsAcrossWordBoundariesAreDistinct) {
    Receipts receipts(3, 65);  // bits 0..194: 4 words, senders straddling them
    for (std::uint32_t sender = 0; sender < 3; ++sender) {
        for (std::uint32_t seq = 0; seq < 65; ++seq)
            ASSERT_EQ(receipts.record(sender, seq), Outcome::in_order);
    }
    EXPECT_TRUE(receipts.complete());
    EXPECT_EQ(receipts.record(1, 63), Outcome::duplicate);
    EXPECT_EQ(receipts.record(2, 64), Outcome::duplicate);
}

TEST(ReceiptsTest, MemoryIsOneBitPerMessageAndOneCounterPerSender) {
    EXPECT_EQ(Receipts::bytes_for(1, 64), 8u + 4u);
    EXPECT_EQ(Receipts::bytes_for(5, 100), (500u + 63) / 64 * 8 + 5 * 4);
    EXPECT_EQ(Receipts::bytes_for(10'000, 100'000'000), 1'000'000'000'000ULL / 64 * 8 + 40'000);
}

}  // namespace
}  // namespace lesson06
