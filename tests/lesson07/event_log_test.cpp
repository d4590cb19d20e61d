// The event log: ids, the ring, the resume rules of event_log.hpp (every row, at the edges of
// the ring and after it wraps), the limit, and the JSON each event carries.

#include "feed/event_log.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using feed::EventLog;

std::vector<std::uint64_t> ids(const feed::Resume& resume) {
    std::vector<std::uint64_t> out;
    for (const auto& event : resume.events) out.push_back(event->id);
    return out;
}

// A log of capacity 3 holding events 1..count (the newest three once count > 3).
EventLog log_with(std::size_t count, std::size_t capacity = 3) {
    EventLog log(capacity);
    for (std::size_t i = 1; i <= count; ++i) log.append("e" + std::to_string(i), 1000 + static_cast<int>(i));
    return log;
}

TEST(FeedEventLogTest, AnEmptyLogHasNothingAndStartsAtOne) {
    const EventLog log(3);
    EXPECT_EQ(log.last_id(), 0u);
    EXPECT_EQ(log.first_id(), 1u);
    EXPECT_EQ(log.size(), 0u);
    EXPECT_EQ(log.capacity(), 3u);
    EXPECT_EQ(log.newest(), nullptr);
    const auto resume = log.after(0);
    EXPECT_FALSE(resume.reset);
    EXPECT_TRUE(resume.events.empty());
}

TEST(FeedEventLogTest, AFreshLogAskedForAnIdItNeverGaveResets) {  // the server restarted
    const EventLog log(3);
    const auto resume = log.after(5);
    EXPECT_TRUE(resume.reset);
    EXPECT_TRUE(resume.events.empty());
}

TEST(FeedEventLogTest, RefusesCapacityZero) { EXPECT_THROW(EventLog(0), std::invalid_argument); }

TEST(FeedEventLogTest, AppendGivesIncreasingIdsAndEncodesOnce) {
    EventLog log(3);
    const auto first = log.append("EURUSD 1.0842", 1764540000123456);
    EXPECT_EQ(first->id, 1u);
    EXPECT_EQ(first->us, 1764540000123456);
    EXPECT_EQ(first->text, "EURUSD 1.0842");
    EXPECT_EQ(first->json, R"({"id":1,"us":1764540000123456,"text":"EURUSD 1.0842"})");
    const auto second = log.append("b", 7);
    EXPECT_EQ(second->id, 2u);
    EXPECT_EQ(log.last_id(), 2u);
    EXPECT_EQ(log.first_id(), 1u);
    EXPECT_EQ(log.newest(), second);
    EXPECT_EQ(log.after(0).events[0], first);  // shared, not copied
}

TEST(FeedEventLogTest, KeepsTheNewestCapacityEventsOnceItWraps) {
    const EventLog log = log_with(5);
    EXPECT_EQ(log.last_id(), 5u);
    EXPECT_EQ(log.first_id(), 3u);
    EXPECT_EQ(log.size(), 3u);
    EXPECT_EQ(log.newest()->text, "e5");
    EXPECT_EQ(ids(log.after(2)), (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST(FeedEventLogTest, UpToDateGivesNothingAndNoReset) {
    for (std::size_t count : {1, 3, 4, 7}) {
        const EventLog log = log_with(count);
        const auto resume = log.after(log.last_id());
        EXPECT_FALSE(resume.reset) << count;
        EXPECT_TRUE(resume.events.empty()) << count;
    }
}

TEST(FeedEventLogTest, GivesTheEventsAfterAnIdInTheRingOldestFirst) {
    const EventLog log = log_with(7);                                     // keeps 5, 6, 7
    EXPECT_EQ(ids(log.after(4)), (std::vector<std::uint64_t>{5, 6, 7}));  // first_id() - 1: exactly in
    EXPECT_EQ(ids(log.after(5)), (std::vector<std::uint64_t>{6, 7}));
    EXPECT_EQ(ids(log.after(6)), (std::vector<std::uint64_t>{7}));
    EXPECT_FALSE(log.after(4).reset);
    EXPECT_FALSE(log.after(6).reset);
}

TEST(FeedEventLogTest, AResumePointThatLeftTheRingResetsWithEveryKeptEvent) {
    const EventLog log = log_with(7);  // keeps 5, 6, 7
    for (std::uint64_t id : {0, 1, 3}) {
        const auto resume = log.after(id);
        EXPECT_TRUE(resume.reset) << id;
        EXPECT_EQ(ids(resume), (std::vector<std::uint64_t>{5, 6, 7})) << id;
    }
}

TEST(FeedEventLogTest, AnIdFromTheFutureResetsWithEveryKeptEvent) {
    const EventLog log = log_with(2);
    for (std::uint64_t id : {3ull, 100ull, ~0ull}) {
        const auto resume = log.after(id);
        EXPECT_TRUE(resume.reset) << id;
        EXPECT_EQ(ids(resume), (std::vector<std::uint64_t>{1, 2})) << id;
    }
}

TEST(FeedEventLogTest, ZeroBeforeTheRingWrapsIsAResumeNotAReset) {
    const EventLog log = log_with(3);  // keeps 1, 2, 3: first_id() - 1 == 0
    const auto resume = log.after(0);
    EXPECT_FALSE(resume.reset);
    EXPECT_EQ(ids(resume), (std::vector<std::uint64_t>{1, 2, 3}));
}

TEST(FeedEventLogTest, TheLimitGivesTheOldestFirst) {
    const EventLog log = log_with(10, 8);  // keeps 3..10
    EXPECT_EQ(ids(log.after(4, 2)), (std::vector<std::uint64_t>{5, 6}));
    EXPECT_EQ(ids(log.after(9, 2)), (std::vector<std::uint64_t>{10}));
    EXPECT_TRUE(log.after(4, 0).events.empty());
    const auto reset = log.after(0, 3);
    EXPECT_TRUE(reset.reset);
    EXPECT_EQ(ids(reset), (std::vector<std::uint64_t>{3, 4, 5}));
}

TEST(FeedEventLogTest, CapacityOneKeepsOnlyTheNewest) {
    const EventLog log = log_with(4, 1);
    EXPECT_EQ(log.first_id(), 4u);
    EXPECT_EQ(ids(log.after(3)), (std::vector<std::uint64_t>{4}));
    EXPECT_FALSE(log.after(3).reset);
    EXPECT_TRUE(log.after(2).reset);
    EXPECT_EQ(ids(log.after(2)), (std::vector<std::uint64_t>{4}));
}

TEST(FeedEventLogTest, WrapsManyTimesAndStillFindsEveryKeptEvent) {
    EventLog log(5);
    for (int i = 1; i <= 1003; ++i) log.append(std::to_string(i), i);
    EXPECT_EQ(log.first_id(), 999u);
    const auto resume = log.after(998);
    ASSERT_EQ(ids(resume), (std::vector<std::uint64_t>{999, 1000, 1001, 1002, 1003}));
    for (const auto& event : resume.events) EXPECT_EQ(event->text, std::to_string(event->id));
}

TEST(FeedEventLogTest, EscapesQuotesBackslashesAndControlCharactersInJson) {
    EXPECT_EQ(feed::event_json(7, -1, "say \"hi\"\\"), R"({"id":7,"us":-1,"text":"say \"hi\"\\"})");
    EXPECT_EQ(feed::event_json(1, 0, std::string("a\nb\rc\td\x01\x1f", 9) + std::string(1, '\0')),
              R"({"id":1,"us":0,"text":"a\nb\rc\td\u0001\u001f\u0000"})");
}

TEST(FeedEventLogTest, KeepsUtf8AsItIs) {
    EXPECT_EQ(feed::event_json(2, 5, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x88"),
              "{\"id\":2,\"us\":5,\"text\":\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\x88\"}");
}

TEST(FeedEventLogTest, JoinsEventsIntoAJsonArray) {
    EXPECT_EQ(feed::events_json_array({}), "[]");
    const EventLog log = log_with(2);
    EXPECT_EQ(feed::events_json_array(log.after(0).events),
              R"([{"id":1,"us":1001,"text":"e1"},{"id":2,"us":1002,"text":"e2"}])");
}

}  // namespace
