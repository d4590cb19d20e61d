// The /stats counters and their JSON, exactly.

#include "feed/stats.hpp"

#include <gtest/gtest.h>

namespace {

using feed::Mode;

TEST(FeedStatsTest, NamesEveryMode) {
    EXPECT_EQ(feed::mode_name(Mode::poll), "poll");
    EXPECT_EQ(feed::mode_name(Mode::long_poll), "longpoll");
    EXPECT_EQ(feed::mode_name(Mode::sse), "sse");
    EXPECT_EQ(feed::mode_name(Mode::websocket), "ws");
    EXPECT_EQ(feed::mode_name(Mode::other), "other");
}

TEST(FeedStatsTest, WritesZeroCountersExactly) {
    const feed::Stats stats;
    const std::string zero =
        R"({"requests":0,"responses":0,"head_bytes":0,"body_bytes":0,"events":0,"open":0})";
    EXPECT_EQ(stats.to_json(0, 0), R"({"last_id":0,"cpu_us":0,"modes":{"poll":)" + zero + R"(,"longpoll":)" +
                                       zero + R"(,"sse":)" + zero + R"(,"ws":)" + zero + R"(,"other":)" +
                                       zero + "}}");
}

TEST(FeedStatsTest, WritesEachModesCountersUnderItsName) {
    feed::Stats stats;
    auto& poll = stats[Mode::poll];
    poll.requests = 10;
    poll.responses = 10;
    poll.head_bytes = 1530;
    poll.body_bytes = 420;
    poll.events = 7;
    poll.open = 1;
    stats[Mode::websocket].body_bytes = 18446744073709551615ull;
    stats[Mode::other].open = 2;
    const std::string zero =
        R"({"requests":0,"responses":0,"head_bytes":0,"body_bytes":0,"events":0,"open":0})";
    EXPECT_EQ(
        stats.to_json(41, 123456),
        R"({"last_id":41,"cpu_us":123456,"modes":{)"
        R"("poll":{"requests":10,"responses":10,"head_bytes":1530,"body_bytes":420,"events":7,"open":1},)"
        R"("longpoll":)" +
            zero + R"(,"sse":)" + zero +
            R"(,"ws":{"requests":0,"responses":0,"head_bytes":0,"body_bytes":18446744073709551615,)"
            R"("events":0,"open":0},"other":{"requests":0,"responses":0,"head_bytes":0,"body_bytes":0,)"
            R"("events":0,"open":2}}})");
}

TEST(FeedStatsTest, MoveOpenShiftsAConnectionBetweenModes) {
    feed::Stats stats;
    stats[Mode::other].open = 1;
    stats.move_open(Mode::other, Mode::poll);
    EXPECT_EQ(stats[Mode::other].open, 0);
    EXPECT_EQ(stats[Mode::poll].open, 1);
    stats.move_open(Mode::poll, Mode::poll);  // same mode: nothing moves
    EXPECT_EQ(stats[Mode::poll].open, 1);
    stats.move_open(Mode::poll, Mode::sse);
    EXPECT_EQ(stats[Mode::poll].open, 0);
    EXPECT_EQ(stats[Mode::sse].open, 1);
}

}  // namespace
