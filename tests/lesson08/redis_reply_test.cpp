// The reply value type and the backoff policy, without a Redis.
#include "redis/redis_reply.hpp"
#include "redis/backoff.hpp"

#include <gtest/gtest.h>

#include <set>

namespace lesson08 {
namespace {

using std::chrono::milliseconds;

TEST(RedisReplyTest, DescribeShowsEachTypeAsRedisCliDoes) {
    EXPECT_EQ(describe(RedisReply::make_nil()), "(nil)");
    EXPECT_EQ(describe(RedisReply::make_integer(-3)), "(integer) -3");
    EXPECT_EQ(describe(RedisReply::make_status("OK")), "OK");
    EXPECT_EQ(describe(RedisReply::make_error("ERR no")), "(error) ERR no");
    EXPECT_EQ(describe(RedisReply::make_string(std::string("a\0\"\n", 4))), R"("a\x00\"\x0a")");
    EXPECT_EQ(describe(RedisReply::make_array({RedisReply::make_string("x"), RedisReply::make_array({})})),
              R"(["x", []])");
}

TEST(RedisReplyTest, DescribeCutsLongStrings) {
    const std::string text = describe(RedisReply::make_string(std::string(1000, 'a')));
    EXPECT_LT(text.size(), 100u);
    EXPECT_NE(text.find("(1000 bytes)"), std::string::npos) << text;
}

TEST(RedisReplyTest, ErrorCodeIsTheFirstWord) {
    EXPECT_EQ(RedisReply::make_error("WRONGTYPE Operation against a key").error_code(), "WRONGTYPE");
    EXPECT_EQ(RedisReply::make_error("ERR").error_code(), "ERR");
    EXPECT_EQ(RedisReply::make_string("ERR x").error_code(), "");  // not an error reply
    EXPECT_FALSE(RedisReply::make_error("ERR x").is_link_error());
}

TEST(RedisReplyTest, LinkErrorsCarryTheLinkCode) {
    const RedisReply reply = RedisReply::link_error("down: Connection refused");
    EXPECT_TRUE(reply.is_error());
    EXPECT_TRUE(reply.is_link_error());
    EXPECT_EQ(reply.text, "LINK down: Connection refused");
}

TEST(RedisBackoffTest, DoublesUpToTheMaximumWithEqualJitter) {
    Backoff backoff(milliseconds(100), milliseconds(5000), 42);
    milliseconds base(100);
    for (int attempt = 0; attempt < 12; ++attempt) {
        const milliseconds delay = backoff.next();
        EXPECT_GE(delay, base / 2) << "attempt " << attempt;
        EXPECT_LE(delay, base) << "attempt " << attempt;
        base = std::min(base * 2, milliseconds(5000));
    }
    EXPECT_EQ(backoff.base(), milliseconds(5000));
}

TEST(RedisBackoffTest, ResetStartsOverAtTheInitialDelay) {
    Backoff backoff(milliseconds(100), milliseconds(5000), 7);
    for (int i = 0; i < 5; ++i) backoff.next();
    backoff.reset();
    EXPECT_LE(backoff.next(), milliseconds(100));
}

TEST(RedisBackoffTest, JitterSpreadsLinksThatFailTogether) {
    // Ten links whose Redis died in the same millisecond: their third retries do not coincide.
    std::set<milliseconds::rep> third_delays;
    for (std::uint32_t seed = 1; seed <= 10; ++seed) {
        Backoff backoff(milliseconds(100), milliseconds(5000), seed);
        backoff.next();
        backoff.next();
        third_delays.insert(backoff.next().count());
    }
    EXPECT_GE(third_delays.size(), 5u);
}

TEST(RedisBackoffTest, SameSeedSameDelays) {
    Backoff first(milliseconds(100), milliseconds(5000), 99),
        second(milliseconds(100), milliseconds(5000), 99);
    for (int i = 0; i < 8; ++i) EXPECT_EQ(first.next(), second.next());
}

}  // namespace
}  // namespace lesson08
