// The broadcast token: written by senders, found by receivers inside whatever the server wraps
// it in (lesson 02's "NAME: " prefix, lesson 05's JSON).
#include "token.hpp"

#include <gtest/gtest.h>

namespace lesson06 {
namespace {

std::string token_text(const Token& token) {
    std::string out;
    append_token(out, token);
    return out;
}

TEST(TokenTest, RoundTripsEveryField) {
    const Token token{0x7fffffff, 12, 345, 0x0123456789abcdefULL};
    const std::string text = token_text(token);
    EXPECT_EQ(text, "~t6~7fffffff~c~159~123456789abcdef~");
    std::size_t from = 0;
    const auto found = find_token(text, token.run, from);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->sender, 12u);
    EXPECT_EQ(found->seq, 345u);
    EXPECT_EQ(found->nanos, token.nanos);
    EXPECT_EQ(from, text.size());
    EXPECT_FALSE(find_token(text, token.run, from));
}

TEST(TokenTest, FoundAfterLesson02NamePrefix) {
    const std::string line = "lg1s3: " + token_text({1, 0, 7, 99}) + "......";
    std::size_t from = 0;
    const auto found = find_token(line, 1, from);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->seq, 7u);
}

TEST(TokenTest, FoundInsideLesson05Json) {
    const std::string json = R"({"type":"message","id":3,"time":17,"from":"guest-4","text":")" +
                             token_text({5, 2, 1, 1000}) + R"(..."})";
    std::size_t from = 0;
    const auto found = find_token(json, 5, from);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->sender, 2u);
    EXPECT_EQ(found->nanos, 1000u);
}

TEST(TokenTest, TokensOfAnotherRunAreSkipped) {
    // Lesson 05 replays its history to newcomers: an earlier run's tokens must not count.
    const std::string text = token_text({1, 0, 0, 5}) + " " + token_text({2, 0, 9, 5});
    std::size_t from = 0;
    const auto found = find_token(text, 2, from);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->seq, 9u);
    from = 0;
    std::size_t count = 0;
    while (find_token(text, 3, from)) ++count;
    EXPECT_EQ(count, 0u);
}

TEST(TokenTest, BrokenTokensAreSkippedAndTheNextOneFound) {
    for (const std::string broken : {"~t6~1~2~3~", "~t6~1~X~3~4~", "~t6~~2~3~4~",
                                     "~t6~1~2~3~12345678901234567~", "~t6~1~123456789~3~4~"}) {
        const std::string text = broken + token_text({1, 4, 5, 6});
        std::size_t from = 0;
        const auto found = find_token(text, 1, from);
        ASSERT_TRUE(found) << broken;
        EXPECT_EQ(found->sender, 4u) << broken;
        EXPECT_EQ(found->seq, 5u) << broken;
    }
}

TEST(TokenTest, SeveralTokensInOneMessageAreAllFound) {
    std::string text;
    for (std::uint32_t seq = 0; seq < 5; ++seq) text += token_text({9, 1, seq, 100 + seq}) + "|";
    std::size_t from = 0;
    std::uint32_t expected = 0;
    while (const auto found = find_token(text, 9, from)) EXPECT_EQ(found->seq, expected++);
    EXPECT_EQ(expected, 5u);
}

TEST(TokenTest, NeedsNoJsonEscaping) {
    const std::string text = token_text({0xffffffff, 0xffffffff, 0xffffffff, ~0ULL});
    EXPECT_LE(text.size(), max_token_size);
    for (const char c : text) {
        EXPECT_TRUE(c == '~' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == 't') << c;
    }
}

}  // namespace
}  // namespace lesson06

TEST(TokenTest, ProbeNamesItsRunAndIsNeverTakenForAToken) {
    const std::string probe = lesson06::make_probe(0xabc);
    EXPECT_EQ(probe, "~p6~abc~");
    EXPECT_NE(lesson06::make_probe(0xabd), probe);
    // Inside whatever a chat wraps it in, the probe is found, and find_token finds nothing.
    const std::string relayed = "Client #1 says: " + probe;
    EXPECT_NE(relayed.find(probe), std::string::npos);
    std::size_t from = 0;
    EXPECT_FALSE(lesson06::find_token(relayed, 0xabc, from));
}
