// The server's summary line: every field, in a fixed order, so that people and scripts can
// read it the same way (like the client's summary line).

#include "lessons/03-udp/traffic_counters.hpp"

#include <gtest/gtest.h>

namespace {

TEST(TrafficCountersTest, SummaryShowsEveryFieldInOrder) {
    lesson03::TrafficCounters c;
    c.datagrams_in = 10;
    c.bytes_in = 3200;
    c.datagrams_out = 11;
    c.bytes_out = 3000;
    c.dropped = 1;
    c.duplicated = 2;
    c.delayed = 3;
    c.truncated = 4;
    c.queue_full = 5;
    c.send_failed = 6;
    EXPECT_EQ(lesson03::describe_summary(c, 4.96),
              "summary seconds=5.0 datagrams_in=10 bytes_in=3200 datagrams_out=11 bytes_out=3000 dropped=1 "
              "duplicated=2 delayed=3 truncated=4 queue_full=5 send_failed=6");
}

TEST(TrafficCountersTest, AnyIsFalseOnlyWhenNothingHappened) {
    lesson03::TrafficCounters c;
    EXPECT_FALSE(c.any());
    c.send_failed = 1;  // even a send that failed is something to report
    EXPECT_TRUE(c.any());
}

}  // namespace
