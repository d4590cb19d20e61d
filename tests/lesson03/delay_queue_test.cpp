// DelayQueue: held-back datagrams leave in due order, ties in push order, within its bounds.

#include "lessons/03-udp/delay_queue.hpp"

#include <gtest/gtest.h>

namespace {

using lesson03::DelayQueue;
using lesson03::Outgoing;
using namespace std::chrono_literals;

const DelayQueue::clock::time_point t0{};  // tests choose the time; no real clock involved

Outgoing item(std::uint64_t arrival, std::size_t bytes = 10) {
    return Outgoing{{}, std::string(bytes, 'x'), arrival};
}

TEST(DelayQueueTest, EmptyQueueHasNothingDue) {
    DelayQueue queue(10, 1000);
    EXPECT_FALSE(queue.next_due());
    EXPECT_FALSE(queue.pop_due(t0 + 1h));
}

TEST(DelayQueueTest, ReleasesInDueOrderNotPushOrder) {
    DelayQueue queue(10, 1000);
    ASSERT_TRUE(queue.push(t0 + 30ms, item(0)));
    ASSERT_TRUE(queue.push(t0 + 10ms, item(1)));
    ASSERT_TRUE(queue.push(t0 + 20ms, item(2)));
    EXPECT_EQ(queue.next_due(), t0 + 10ms);
    EXPECT_FALSE(queue.pop_due(t0 + 9ms)) << "nothing is due yet";
    EXPECT_EQ(queue.pop_due(t0 + 10ms)->arrival, 1u);
    EXPECT_FALSE(queue.pop_due(t0 + 15ms));
    EXPECT_EQ(queue.pop_due(t0 + 100ms)->arrival, 2u);
    EXPECT_EQ(queue.pop_due(t0 + 100ms)->arrival, 0u);
    EXPECT_EQ(queue.size(), 0u);
}

TEST(DelayQueueTest, SameDueTimeLeavesInPushOrder) {
    DelayQueue queue(10, 1000);
    for (std::uint64_t i = 0; i < 5; ++i) ASSERT_TRUE(queue.push(t0 + 5ms, item(i)));
    for (std::uint64_t i = 0; i < 5; ++i) EXPECT_EQ(queue.pop_due(t0 + 5ms)->arrival, i);
}

TEST(DelayQueueTest, RefusesPastTheDatagramBound) {
    DelayQueue queue(2, 1000);
    EXPECT_TRUE(queue.push(t0, item(0)));
    EXPECT_TRUE(queue.push(t0, item(1)));
    EXPECT_FALSE(queue.push(t0, item(2)));
    EXPECT_EQ(queue.size(), 2u);
    queue.pop_due(t0);
    EXPECT_TRUE(queue.push(t0, item(3))) << "room again after one left";
}

TEST(DelayQueueTest, RefusesPastTheByteBoundAndCountsBytes) {
    DelayQueue queue(100, 25);
    EXPECT_TRUE(queue.push(t0, item(0, 10)));
    EXPECT_TRUE(queue.push(t0, item(1, 15)));
    EXPECT_EQ(queue.bytes(), 25u);
    EXPECT_FALSE(queue.push(t0, item(2, 1)));
    EXPECT_TRUE(queue.push(t0, item(3, 0))) << "an empty datagram costs no bytes";
    queue.pop_due(t0);
    EXPECT_EQ(queue.bytes(), 15u);
    EXPECT_TRUE(queue.push(t0, item(4, 10)));
    EXPECT_FALSE(queue.push(t0, item(5, 1000)));
}

TEST(DelayQueueTest, ClearEmptiesEverything) {
    DelayQueue queue(10, 1000);
    queue.push(t0, item(0));
    queue.push(t0 + 1s, item(1));
    queue.clear();
    EXPECT_EQ(queue.size(), 0u);
    EXPECT_EQ(queue.bytes(), 0u);
    EXPECT_FALSE(queue.next_due());
}

}  // namespace
