// The client's event parsing (client/event_json.hpp): one event, and a poll answer's array of
// them, strictly (RFC 8259 for the syntax, the feed's shape for the members).

#include "client/event_json.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using lesson07::parse_event;
using lesson07::parse_event_array;

TEST(FeedClientEventJsonTest, ParsesOneEvent) {
    const auto r = parse_event(R"({"id":41,"us":1764540000123456,"text":"EURUSD 1.08423 +0.00012"})");
    ASSERT_TRUE(r.event) << r.error;
    EXPECT_EQ(r.event->id, 41u);
    EXPECT_EQ(r.event->us, 1764540000123456);
    EXPECT_EQ(r.event->text, "EURUSD 1.08423 +0.00012");
}

TEST(FeedClientEventJsonTest, DecodesTheTextsEscapes) {  // RFC 8259 7
    const auto r = parse_event(R"({"text":"a\"b\\c\n\u00e9\ud83d\ude00","id":1,"us":0})");
    ASSERT_TRUE(r.event) << r.error;
    EXPECT_EQ(r.event->text, "a\"b\\c\né😀");
}

TEST(FeedClientEventJsonTest, IgnoresMembersItDoesNotKnow) {
    const auto r = parse_event(R"({"id":2,"us":5,"text":"x","source":"ticker"})");
    ASSERT_TRUE(r.event) << r.error;
    EXPECT_EQ(r.event->id, 2u);
}

TEST(FeedClientEventJsonTest, RefusesAnEventOfTheWrongShape) {
    for (const char* bad :
         {R"({"us":5,"text":"x"})", R"({"id":0,"us":5,"text":"x"})", R"({"id":-3,"us":5,"text":"x"})",
          R"({"id":"3","us":5,"text":"x"})", R"({"id":3,"text":"x"})", R"({"id":3,"us":5})",
          R"({"id":3,"us":5,"text":7})", R"({"id":3.5,"us":5,"text":"x"})",
          R"({"id":3,"us":5,"text":"x"} trailing)", R"({"id":3,"id":4,"us":5,"text":"x"})", "[]", ""}) {
        SCOPED_TRACE(bad);
        const auto r = parse_event(bad);
        EXPECT_FALSE(r.event);
        EXPECT_FALSE(r.error.empty());
    }
}

TEST(FeedClientEventJsonTest, ParsesAPollAnswerInOrder) {
    const auto r = parse_event_array(
        " [ {\"id\":1,\"us\":10,\"text\":\"a\"} ,\n{\"id\":2,\"us\":20,\"text\":\"} ] { [\\\" \"} ] \r\n");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.events.size(), 2u);
    EXPECT_EQ(r.events[0].id, 1u);
    EXPECT_EQ(r.events[1].text, "} ] { [\" ") << "brackets and quotes inside a string are text";
}

TEST(FeedClientEventJsonTest, AnEmptyAnswerIsNoEvents) {
    for (const char* empty : {"[]", " [ ] ", "[\n]"}) {
        const auto r = parse_event_array(empty);
        EXPECT_TRUE(r.ok) << empty << ": " << r.error;
        EXPECT_TRUE(r.events.empty());
    }
}

TEST(FeedClientEventJsonTest, RefusesAnythingButAnArrayOfEvents) {
    const std::string e = R"({"id":1,"us":1,"text":"a"})";
    const std::vector<std::string> cases = {std::string(""),
                                            std::string("{}"),
                                            e,
                                            "[" + e + ",]",
                                            "[," + e + "]",
                                            "[" + e + e + "]",
                                            "[" + e + "] x",
                                            "[" + e,
                                            "[" + e + ",",
                                            "[1]",
                                            "[\"a\"]",
                                            "[[" + e + "]]",
                                            "[{\"id\":1,\"us\":1,\"text\":\"a\"]",
                                            "[{\"id\":1,\"us\":1,\"text\":\"a}]",
                                            "[" + e + ",{\"id\":2}]",
                                            "[null]"};
    for (const std::string& bad : cases) {
        SCOPED_TRACE(bad);
        const auto r = parse_event_array(bad);
        EXPECT_FALSE(r.ok);
        EXPECT_TRUE(r.events.empty()) << "no half result";
        EXPECT_NE(r.error.find("at byte"), std::string::npos) << r.error;
    }
}

TEST(FeedClientEventJsonTest, AnArrayHasAMaximumNumberOfEvents) {
    std::string three = "[";
    for (int i = 1; i <= 3; ++i)
        three += (i > 1 ? "," : "") + std::string(R"({"id":)") + std::to_string(i) + R"(,"us":1,"text":""})";
    three += "]";
    EXPECT_TRUE(parse_event_array(three, 3).ok);
    const auto r = parse_event_array(three, 2);
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.error.find("more than 2 events"), std::string::npos) << r.error;
}

}  // namespace
