// Server-Sent Events both ways: the encoders' exact bytes, and the parser against the WHATWG
// "event stream interpretation" rules, fed whole and split at every byte.

#include "feed/sse.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using feed::SseMessage;
using feed::SseParser;
using namespace std::chrono_literals;

struct Parsed {
    std::vector<SseMessage> events;
    SseParser::Result result = SseParser::Result::ok;
};

Parsed parse(std::string_view bytes, SseParser parser = SseParser{}) {
    Parsed parsed;
    parsed.result = parser.push(bytes, parsed.events);
    return parsed;
}

// The same stream cut in two at every byte gives the same events as the stream whole.
void expect_same_at_every_split(std::string_view bytes) {
    const Parsed whole = parse(bytes);
    for (std::size_t cut = 0; cut <= bytes.size(); ++cut) {
        SseParser parser;
        std::vector<SseMessage> events;
        parser.push(bytes.substr(0, cut), events);
        parser.push(bytes.substr(cut), events);
        ASSERT_EQ(events.size(), whole.events.size()) << "cut at " << cut;
        for (std::size_t i = 0; i < events.size(); ++i) {
            EXPECT_EQ(events[i].event, whole.events[i].event) << "cut at " << cut;
            EXPECT_EQ(events[i].data, whole.events[i].data) << "cut at " << cut;
            EXPECT_EQ(events[i].id, whole.events[i].id) << "cut at " << cut;
        }
    }
}

TEST(FeedSseTest, EncodesAnEventWithItsId) {
    EXPECT_EQ(feed::sse_event(41, R"({"id":41})"), "id: 41\ndata: {\"id\":41}\n\n");
}

TEST(FeedSseTest, EncodesANamedEvent) {
    EXPECT_EQ(feed::sse_event(7, "x", "tick"), "id: 7\nevent: tick\ndata: x\n\n");
    EXPECT_EQ(feed::sse_event_without_id("{}", "reset"), "event: reset\ndata: {}\n\n");
}

TEST(FeedSseTest, SplitsMultiLineDataAtEveryKindOfLineBreak) {
    EXPECT_EQ(feed::sse_event(1, "a\nb"), "id: 1\ndata: a\ndata: b\n\n");
    EXPECT_EQ(feed::sse_event(1, "a\r\nb"), "id: 1\ndata: a\ndata: b\n\n");
    EXPECT_EQ(feed::sse_event(1, "a\rb"), "id: 1\ndata: a\ndata: b\n\n");
    EXPECT_EQ(feed::sse_event(1, "a\n\nb"), "id: 1\ndata: a\ndata: \ndata: b\n\n");  // no blank line
    EXPECT_EQ(feed::sse_event(1, "a\r\rb"), "id: 1\ndata: a\ndata: \ndata: b\n\n");
    EXPECT_EQ(feed::sse_event(1, "a\n"), "id: 1\ndata: a\ndata: \n\n");
    EXPECT_EQ(feed::sse_event(1, ""), "id: 1\ndata: \n\n");
    // A line break cannot smuggle in a field of its own.
    EXPECT_EQ(feed::sse_event_without_id("x\nid: 99\r\nevent: evil", "message"),
              "event: message\ndata: x\ndata: id: 99\ndata: event: evil\n\n");
}

TEST(FeedSseTest, EncodesRetryAndComments) {
    EXPECT_EQ(feed::sse_retry(3000ms), "retry: 3000\n\n");
    EXPECT_EQ(feed::sse_retry(0ms), "retry: 0\n\n");
    EXPECT_EQ(feed::sse_comment("heartbeat"), ": heartbeat\n\n");
    EXPECT_EQ(feed::sse_comment(""), ": \n\n");
    EXPECT_THROW(feed::sse_comment("a\nb"), std::invalid_argument);
    EXPECT_THROW(feed::sse_event(1, "x", "a\rb"), std::invalid_argument);
}

TEST(FeedSseTest, ParsesWhatTheEncodersWrite) {
    const std::string stream = feed::sse_retry(2500ms) + feed::sse_event(1, "one") + feed::sse_comment("hb") +
                               feed::sse_event(2, "two\nlines", "tick") +
                               feed::sse_event_without_id("r", "reset");
    SseParser parser;
    std::vector<SseMessage> events;
    ASSERT_EQ(parser.push(stream, events), SseParser::Result::ok);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].event, "message");
    EXPECT_EQ(events[0].data, "one");
    EXPECT_EQ(events[0].id, "1");
    EXPECT_EQ(events[1].event, "tick");
    EXPECT_EQ(events[1].data, "two\nlines");
    EXPECT_EQ(events[1].id, "2");
    EXPECT_EQ(events[2].event, "reset");
    EXPECT_EQ(events[2].data, "r");
    EXPECT_EQ(events[2].id, "2");  // the last event id stays in force
    EXPECT_EQ(parser.retry(), 2500ms);
    EXPECT_EQ(parser.comments(), 1u);
    EXPECT_EQ(parser.last_event_id(), "2");
    expect_same_at_every_split(stream);
}

TEST(FeedSseTest, RoundTripsDataWithLineBreaksAsLineFeeds) {
    const std::string data = "a\r\nb\rc\nd\n\n";
    const Parsed parsed = parse(feed::sse_event(3, data));
    ASSERT_EQ(parsed.events.size(), 1u);
    EXPECT_EQ(parsed.events[0].data, "a\nb\nc\nd\n\n");
}

TEST(FeedSseTest, EndsLinesAtCrLfLfOrCr) {
    for (const std::string_view eol : {"\r\n", "\n", "\r"}) {
        const std::string stream =
            "data: a" + std::string(eol) + "data: b" + std::string(eol) + std::string(eol);
        const Parsed parsed = parse(stream);
        ASSERT_EQ(parsed.events.size(), 1u);
        EXPECT_EQ(parsed.events[0].data, "a\nb");
        expect_same_at_every_split(stream);
    }
}

TEST(FeedSseTest, ACrLfSplitAcrossPushesIsOneLineBreak) {
    SseParser parser;
    std::vector<SseMessage> events;
    parser.push("data: x\r", events);
    parser.push("\n\r", events);  // LF completes the CRLF, then a CR alone: the blank line
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "x");
    parser.push("\ndata: y\n\n", events);  // that LF is part of the CRLF, not a second blank line
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].data, "y");
}

TEST(FeedSseTest, SkipsOneLeadingBom) {
    const Parsed parsed = parse(
        "\xEF\xBB\xBF"
        "data: x\n\n");
    ASSERT_EQ(parsed.events.size(), 1u);
    EXPECT_EQ(parsed.events[0].data, "x");
    expect_same_at_every_split(
        "\xEF\xBB\xBF"
        "data: x\n\n");
    // A second BOM is part of the first line: the field "\xEF\xBB\xBFdata" is unknown.
    EXPECT_TRUE(parse("\xEF\xBB\xBF\xEF\xBB\xBF"
                      "data: x\n\n")
                    .events.empty());
    // The first bytes of a BOM that is not one are kept.
    const Parsed partial = parse("\xEF\xBB: c\ndata: y\n\n");
    ASSERT_EQ(partial.events.size(), 1u);
    EXPECT_EQ(partial.events[0].data, "y");
}

TEST(FeedSseTest, LosesOnlyOneSpaceAfterTheColon) {
    const Parsed parsed = parse("data:x\n\ndata:  two\n\ndata\n\n");
    ASSERT_EQ(parsed.events.size(), 3u);
    EXPECT_EQ(parsed.events[0].data, "x");
    EXPECT_EQ(parsed.events[1].data, " two");
    EXPECT_EQ(parsed.events[2].data, "");  // "data" alone: the field with an empty value
}

TEST(FeedSseTest, IgnoresUnknownFieldsAndCountsComments) {
    SseParser parser;
    std::vector<SseMessage> events;
    parser.push(": one\n:two\nfoo: bar\nDATA: no\ndata: yes\n\n", events);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].data, "yes");  // field names are case-sensitive
    EXPECT_EQ(parser.comments(), 2u);
}

TEST(FeedSseTest, DoesNotDispatchAnEventWithoutData) {
    SseParser parser;
    std::vector<SseMessage> events;
    parser.push("id: 5\nevent: tick\n\ndata: x\n\n", events);
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].event, "message");  // the name went with the undispatched event
    EXPECT_EQ(events[0].id, "5");           // the id stays
    EXPECT_EQ(parser.last_event_id(), "5");
}

TEST(FeedSseTest, DispatchesAnEmptyDataLine) {
    const Parsed parsed = parse("data:\n\n");
    ASSERT_EQ(parsed.events.size(), 1u);
    EXPECT_EQ(parsed.events[0].data, "");
}

TEST(FeedSseTest, AnIncompleteEventAtTheEndIsNotDispatched) {
    EXPECT_TRUE(parse("data: x\n").events.empty());
    EXPECT_TRUE(parse("data: x").events.empty());
}

TEST(FeedSseTest, IgnoresAnIdWithNul) {
    SseParser parser;
    std::vector<SseMessage> events;
    parser.push("id: 1\ndata: a\n\n", events);
    parser.push(std::string("id: 2\0x\ndata: b\n\n", 17), events);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].id, "1");
    parser.push("id\ndata: c\n\n", events);  // an empty id resets it
    EXPECT_EQ(events[2].id, "");
}

TEST(FeedSseTest, TakesOnlyDigitsAsRetry) {
    SseParser parser;
    std::vector<SseMessage> events;
    EXPECT_EQ(parser.retry(), std::nullopt);
    parser.push("retry: 1000\n", events);
    EXPECT_EQ(parser.retry(), 1000ms);
    for (const char* bad : {"retry: -5\n", "retry: 1.5\n", "retry: 10s\n", "retry:\n", "retry:  7\n",
                            "retry: 99999999999999999999999\n"}) {
        parser.push(bad, events);
        EXPECT_EQ(parser.retry(), 1000ms) << bad;
    }
    parser.push("retry:0\n", events);
    EXPECT_EQ(parser.retry(), 0ms);
}

TEST(FeedSseTest, RefusesALineLongerThanTheLimit) {
    SseParser ok(8);
    std::vector<SseMessage> events;
    EXPECT_EQ(ok.push("data: 12\n\n", events), SseParser::Result::ok);  // 8 bytes: at the limit
    ASSERT_EQ(events.size(), 1u);
    SseParser parser(8);
    EXPECT_EQ(parser.push("data: 1", events), SseParser::Result::ok);
    EXPECT_EQ(parser.push("23", events), SseParser::Result::error);  // 9 bytes, and no line end yet
    EXPECT_FALSE(parser.error().empty());
    EXPECT_EQ(parser.push("\n\ndata: x\n\n", events), SseParser::Result::error);  // stays failed
    EXPECT_EQ(events.size(), 1u);
}

TEST(FeedSseTest, RefusesAnEventWhoseDataGrowsPastTheLimit) {
    SseParser parser(100, 10);
    std::vector<SseMessage> events;
    EXPECT_EQ(parser.push("data: 1234\ndata: 1234\n\n", events), SseParser::Result::ok);  // 10 bytes
    EXPECT_EQ(parser.push("data: 1234\ndata: 12345\n", events), SseParser::Result::error);
    EXPECT_EQ(events.size(), 1u);
}

TEST(FeedSseTest, GivesTheSameEventsWhateverTheCuts) {
    expect_same_at_every_split(
        "\xEF\xBB\xBFretry: 5\r\n: c\r\nid: 1\r\nevent: e\r\ndata: a\r\ndata:b\r\n\r\n"
        "id:2\rdata\r\rdata: x\n\n\ndata: y\r\n\n");
}

}  // namespace
