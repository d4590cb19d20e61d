// The stream entry <-> event mapping of lesson 08 (chat_event.hpp).
#include "chat_event.hpp"

#include <gtest/gtest.h>

namespace {

using lesson08::StreamEntry;
using lesson08::StreamId;

TEST(ChatNodeEventTest, StreamIdsParseAndOrderNumerically) {
    EXPECT_EQ(StreamId::parse("1764540000000-0")->ms, 1764540000000u);
    EXPECT_EQ(StreamId::parse("5")->seq, 0u);
    EXPECT_LT(*StreamId::parse("9-5"), *StreamId::parse("10-0")) << "numbers, not text";
    EXPECT_LT(*StreamId::parse("10-2"), *StreamId::parse("10-10"));
    for (const char* bad : {"", "-", "1-", "-1", "a-1", "1-1-1", "1 -1", "99999999999999999999-0"})
        EXPECT_FALSE(StreamId::parse(bad)) << bad;
    EXPECT_EQ(StreamId::parse("7-3")->text(), "7-3");
}

TEST(ChatNodeEventTest, MessageEntryBecomesLesson05MessageWithAStringId) {
    const StreamEntry entry{"1764540000000-1",
                            {{"type", "message"},
                             {"token", "n.1"},
                             {"from", "ada"},
                             {"text", "hi \"x\""},
                             {"time", "1764540000000"},
                             {"node", "n"}}};
    const auto event = lesson08::parse_event(entry);
    ASSERT_TRUE(event);
    const std::string frame = *lesson08::encode_event(*event);
    EXPECT_EQ(
        frame.substr(2),
        R"({"type":"message","id":"1764540000000-1","time":1764540000000,"from":"ada","text":"hi \"x\""})");
}

TEST(ChatNodeEventTest, EntriesThatAreNotEventsAreSkipped) {
    EXPECT_FALSE(lesson08::parse_event({"1-0", {{"type", "message"}, {"from", "ada"}}}));  // no text
    EXPECT_FALSE(lesson08::parse_event({"1-0", {{"type", "shout"}, {"name", "ada"}}}));
    EXPECT_FALSE(lesson08::parse_event({"x", {{"type", "join"}, {"name", "ada"}}}));
    EXPECT_FALSE(lesson08::parse_event({"1-0", {{"type", "join"}, {"name", "ada"}, {"time", "soon"}}}));
    EXPECT_TRUE(lesson08::parse_event({"1-0", {{"type", "rename"}, {"from", "a"}, {"to", "b"}}}));
}

}  // namespace
