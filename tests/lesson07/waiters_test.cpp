// The long-poll waiters: which ones an event satisfies, in the order they came, removal, and
// tickets that are never reused.

#include "feed/waiters.hpp"

#include <gtest/gtest.h>

namespace {

using Tickets = std::vector<feed::WaiterSet::Ticket>;

TEST(FeedWaitersTest, ReadyTakesEveryWaiterBelowTheLastIdInTheOrderAdded) {
    feed::WaiterSet waiters;
    const auto a = waiters.add(5);
    const auto b = waiters.add(3);
    const auto c = waiters.add(7);
    const auto d = waiters.add(3);
    const auto e = waiters.add(6);
    EXPECT_EQ(waiters.size(), 5u);
    EXPECT_TRUE(waiters.ready(3).empty());            // after == 3 is not below 3
    EXPECT_EQ(waiters.ready(6), (Tickets{a, b, d}));  // 5, 3, 3 < 6; in add order
    EXPECT_EQ(waiters.size(), 2u);
    EXPECT_TRUE(waiters.ready(6).empty());  // taken out already
    EXPECT_EQ(waiters.ready(100), (Tickets{c, e}));
    EXPECT_EQ(waiters.size(), 0u);
}

TEST(FeedWaitersTest, RemoveForgetsAWaiterOnce) {
    feed::WaiterSet waiters;
    const auto a = waiters.add(1);
    const auto b = waiters.add(1);
    EXPECT_TRUE(waiters.remove(a));
    EXPECT_FALSE(waiters.remove(a));
    EXPECT_FALSE(waiters.remove(12345));
    EXPECT_EQ(waiters.ready(2), (Tickets{b}));
    EXPECT_FALSE(waiters.remove(b));  // ready() took it out
}

TEST(FeedWaitersTest, TicketsAreNeverReused) {
    feed::WaiterSet waiters;
    const auto a = waiters.add(0);
    waiters.remove(a);
    const auto b = waiters.add(0);
    waiters.ready(1);
    const auto c = waiters.add(0);
    EXPECT_NE(a, b);
    EXPECT_NE(b, c);
    EXPECT_NE(a, c);
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
}

TEST(FeedWaitersTest, OnePublishWakesTheWholeHerd) {
    feed::WaiterSet waiters;
    Tickets added;
    for (int i = 0; i < 1000; ++i) added.push_back(waiters.add(41));
    EXPECT_EQ(waiters.ready(42), added);
    EXPECT_EQ(waiters.size(), 0u);
}

}  // namespace
