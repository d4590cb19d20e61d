// Request targets and their query values: percent-decoding, '+', bad escapes, and the strict
// parsers of event ids and wait times.

#include "feed/target.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using Query = std::vector<std::pair<std::string, std::string>>;

TEST(FeedTargetTest, SplitsThePathFromTheQuery) {
    const auto target = feed::parse_target("/events?after=41&wait=25");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->path, "/events");
    EXPECT_EQ(target->query, (Query{{"after", "41"}, {"wait", "25"}}));
    EXPECT_EQ(*target->param("after"), "41");
    EXPECT_EQ(target->param("none"), nullptr);
    EXPECT_EQ(target->count("wait"), 1u);
}

TEST(FeedTargetTest, APathWithoutAQueryHasNoParameters) {
    const auto target = feed::parse_target("/");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->path, "/");
    EXPECT_TRUE(target->query.empty());
    EXPECT_TRUE(feed::parse_target("/sse?")->query.empty());
}

TEST(FeedTargetTest, PercentDecodesNamesAndValuesAndPlusIsASpace) {
    const auto target = feed::parse_target("/x?a%62c=1%2B1&text=hello+world%21&e=%c3%A9");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->query, (Query{{"abc", "1+1"}, {"text", "hello world!"}, {"e", "\xC3\xA9"}}));
}

TEST(FeedTargetTest, KeepsEmptyValuesAndSkipsEmptyPieces) {
    const auto target = feed::parse_target("/x?a=&b&&c=1=2&");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->query, (Query{{"a", ""}, {"b", ""}, {"c", "1=2"}}));
}

TEST(FeedTargetTest, CountsRepeatedParametersAndFindsTheFirst) {
    const auto target = feed::parse_target("/events?after=1&after=2");
    ASSERT_TRUE(target);
    EXPECT_EQ(target->count("after"), 2u);
    EXPECT_EQ(*target->param("after"), "1");
}

TEST(FeedTargetTest, DoesNotDecodeThePath) {
    EXPECT_EQ(feed::parse_target("/a%20b+c?x=1")->path, "/a%20b+c");
}

TEST(FeedTargetTest, RefusesBadEscapes) {
    for (const char* bad : {"/x?a=%", "/x?a=%4", "/x?a=%G1", "/x?a=%1g", "/x?%zz=1", "/x?a=1%"}) {
        EXPECT_EQ(feed::parse_target(bad), std::nullopt) << bad;
    }
}

TEST(FeedTargetTest, RefusesTargetsThatAreNotOriginForm) {
    for (const char* bad : {"", "*", "events", "http://example.com/events", "/x#frag"}) {
        EXPECT_EQ(feed::parse_target(bad), std::nullopt) << bad;
    }
}

TEST(FeedTargetTest, ParsesEventIds) {
    EXPECT_EQ(feed::parse_event_id("0").value, 0u);
    EXPECT_EQ(feed::parse_event_id("41").value, 41u);
    EXPECT_EQ(feed::parse_event_id("007").value, 7u);
    EXPECT_EQ(feed::parse_event_id("18446744073709551615").value, 18446744073709551615ull);  // 2^64 - 1
    EXPECT_TRUE(feed::parse_event_id("41").error.empty());
}

TEST(FeedTargetTest, RefusesBadEventIdsSayingWhy) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"-1", "negative"},
        {"-0", "negative"},
        {"", "not a number"},
        {"1e3", "not a number"},
        {"+1", "not a number"},
        {" 1", "not a number"},
        {"1 ", "not a number"},
        {"0x10", "not a number"},
        {"1.0", "not a number"},
        {"-", "not a number"},
        {"18446744073709551616", "too large"},  // 2^64
        {"99999999999999999999999", "too large"},
    };
    for (const auto& [text, why] : cases) {
        const auto parsed = feed::parse_event_id(text);
        EXPECT_EQ(parsed.value, std::nullopt) << text;
        EXPECT_EQ(parsed.error, why) << text;
    }
}

TEST(FeedTargetTest, ParsesWaitSecondsToMilliseconds) {
    EXPECT_EQ(feed::parse_wait_seconds("25").value, 25000ms);
    EXPECT_EQ(feed::parse_wait_seconds("0").value, 0ms);
    EXPECT_EQ(feed::parse_wait_seconds("0.5").value, 500ms);
    EXPECT_EQ(feed::parse_wait_seconds("1.25").value, 1250ms);
    EXPECT_EQ(feed::parse_wait_seconds("0.001").value, 1ms);
    EXPECT_EQ(feed::parse_wait_seconds("3600").value, 3'600'000ms);  // not clamped here
}

TEST(FeedTargetTest, RefusesBadWaitsSayingWhy) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"-1", "negative"},
        {"-0.5", "negative"},
        {"forever", "not a number"},
        {"", "not a number"},
        {".5", "not a number"},
        {"5.", "not a number"},
        {"1e3", "not a number"},
        {"1.2.3", "not a number"},
        {"+1", "not a number"},
        {"0.0001", "more than 3 decimals"},
        {"99999999999999999999", "too large"},
        {"9223372036854775", "too large"},
    };
    for (const auto& [text, why] : cases) {
        const auto parsed = feed::parse_wait_seconds(text);
        EXPECT_EQ(parsed.value, std::nullopt) << text;
        EXPECT_EQ(parsed.error, why) << text;
    }
}

}  // namespace
