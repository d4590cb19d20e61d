// The incremental UTF-8 validator: every code point, every kind of invalid sequence, failing
// at the first byte that makes the text impossible, across any split.

#include "ws/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

std::string encode(char32_t code_point) {  // surrogates included, to test that they are refused
    std::string out;
    ws::append_utf8(out, code_point);
    return out;
}

// The byte at which feeding one byte at a time first fails, or -1.
int first_failing_byte(std::string_view bytes) {
    ws::Utf8Validator v;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (!v.feed(bytes.substr(i, 1))) return static_cast<int>(i);
    }
    return -1;
}

// RFC 3629 7's examples, and the first and last code point of each length.
TEST(Utf8Test, AppendUtf8EncodesRfc3629ExamplesAndEveryLengthBoundary) {
    EXPECT_EQ(encode(U'A') + encode(U'\u2262') + encode(U'\u0391') + encode(U'.'),
              "\x41\xE2\x89\xA2\xCE\x91\x2E");
    EXPECT_EQ(encode(U'\uD55C') + encode(U'\uAD6D') + encode(U'\uC5B4'),
              "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4");
    EXPECT_EQ(encode(U'\u65E5') + encode(U'\u672C') + encode(U'\u8A9E'),
              "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");
    EXPECT_EQ(encode(U'\U000233B4'), "\xF0\xA3\x8E\xB4");
    EXPECT_EQ(encode(0x00), std::string(1, '\0'));
    EXPECT_EQ(encode(0x7F), "\x7F");
    EXPECT_EQ(encode(0x80), "\xC2\x80");
    EXPECT_EQ(encode(0x7FF), "\xDF\xBF");
    EXPECT_EQ(encode(0x800), "\xE0\xA0\x80");
    EXPECT_EQ(encode(0xFFFF), "\xEF\xBF\xBF");
    EXPECT_EQ(encode(0x10000), "\xF0\x90\x80\x80");
    EXPECT_EQ(encode(0x10FFFF), "\xF4\x8F\xBF\xBF");
    std::string appended = "x";
    ws::append_utf8(appended, U'\u00E9');
    EXPECT_EQ(appended, "x\xC3\xA9") << "appends, keeps what was there";
}

TEST(Utf8Test, AcceptsEveryScalarValueAndRefusesEverySurrogate) {
    for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
        const bool surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        ASSERT_EQ(ws::is_valid_utf8(encode(cp)), !surrogate)
            << std::hex << "U+" << static_cast<std::uint32_t>(cp);
    }
}

TEST(Utf8Test, RefusesOverlongForms) {
    EXPECT_FALSE(ws::is_valid_utf8("\xC0\x80"));  // NUL in two bytes
    EXPECT_FALSE(ws::is_valid_utf8("\xC1\xBF"));
    EXPECT_FALSE(ws::is_valid_utf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
    EXPECT_FALSE(ws::is_valid_utf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
}

TEST(Utf8Test, RefusesValuesPastU10FFFFAndBytesThatNeverAppear) {
    EXPECT_FALSE(ws::is_valid_utf8("\xF4\x90\x80\x80"));
    EXPECT_FALSE(ws::is_valid_utf8("\xF5\x80\x80\x80"));
    EXPECT_FALSE(ws::is_valid_utf8("\xFE"));
    EXPECT_FALSE(ws::is_valid_utf8("\xFF"));
}

TEST(Utf8Test, RefusesStrayAndMissingContinuationBytes) {
    EXPECT_FALSE(ws::is_valid_utf8("\x80"));
    EXPECT_FALSE(
        ws::is_valid_utf8("a\xBF"
                          "b"));
    EXPECT_FALSE(
        ws::is_valid_utf8("\xC3"
                          "a"));
    EXPECT_FALSE(ws::is_valid_utf8("\xE2\x82"));  // truncated euro sign
}

TEST(Utf8Test, AcceptsBothEndsOfEveryContinuationRangeAndNothingPast) {  // Unicode table 3-7
    // The first and last valid sequence of each row of the table: an off-by-one in a range
    // check refuses one of them (BF is a continuation byte too), or accepts what follows below.
    for (const std::string_view text :
         {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xE0\xBF\xBF", "\xE1\x80\x80", "\xEC\xBF\xBF",
          "\xED\x80\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
          "\xF0\xBF\xBF\xBF", "\xF1\x80\x80\x80", "\xF3\xBF\xBF\xBF", "\xF4\x80\x80\x80",
          "\xF4\x8F\xBF\xBF"}) {
        EXPECT_TRUE(ws::is_valid_utf8(text)) << testing::PrintToString(text);
        EXPECT_EQ(first_failing_byte(text), -1) << testing::PrintToString(text);
    }
    EXPECT_EQ(first_failing_byte("\xC2\x7F"), 1);  // below 80: not a continuation byte
    EXPECT_EQ(first_failing_byte("\xC2\xC0"), 1);  // above BF: not a continuation byte
    EXPECT_EQ(first_failing_byte("\xE0\x9F"), 1);  // below A0 after E0: overlong
    EXPECT_EQ(first_failing_byte("\xED\xA0"), 1);  // above 9F after ED: a surrogate
    EXPECT_EQ(first_failing_byte("\xF0\x8F"), 1);  // below 90 after F0: overlong
    EXPECT_EQ(first_failing_byte("\xF4\x90"), 1);  // above 8F after F4: past U+10FFFF
}

TEST(Utf8Test, FailsAtTheFirstImpossibleByte) {
    EXPECT_EQ(first_failing_byte("ab\xC0"), 2);    // C0 can only start an overlong form
    EXPECT_EQ(first_failing_byte("\xE0\x80"), 1);  // E0 80 is overlong whatever follows
    EXPECT_EQ(first_failing_byte("\xED\xA0"), 1);  // ED A0 starts a surrogate
    EXPECT_EQ(first_failing_byte("\xF4\x90"), 1);  // F4 90 is past U+10FFFF
    EXPECT_EQ(first_failing_byte("\xCE\xBA\xE1\xBD\xB9\x80"), 5);
    EXPECT_EQ(first_failing_byte("\xF0\x9F\x98"), -1);  // unfinished but still possible
}

TEST(Utf8Test, CodePointsSplitAnywhereAcrossCallsAreValid) {
    const std::string text =
        "Hello-\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5-\xF0\x9F\x98\x80-\xE2\x82\xAC!";
    for (std::size_t split = 0; split <= text.size(); ++split) {
        ws::Utf8Validator v;
        EXPECT_TRUE(v.feed(std::string_view(text).substr(0, split)));
        EXPECT_TRUE(v.feed(std::string_view(text).substr(split)));
        EXPECT_TRUE(v.complete()) << "split at " << split;
    }
}

TEST(Utf8Test, UnfinishedAtTheEndIsNotComplete) {
    ws::Utf8Validator v;
    EXPECT_TRUE(v.feed("ok \xF0\x9F"));
    EXPECT_FALSE(v.complete());
    EXPECT_FALSE(v.failed());
    EXPECT_TRUE(v.feed("\x98\x80"));
    EXPECT_TRUE(v.complete());
}

TEST(Utf8Test, LongAsciiRunsAroundAMultiByteCharacter) {  // the 8-bytes-at-a-time fast path
    const std::string text = std::string(37, 'a') + "\xE2\x82\xAC" + std::string(29, 'b');
    EXPECT_TRUE(ws::is_valid_utf8(text));
    std::string bad = text;
    bad[20] = '\xFF';
    EXPECT_FALSE(ws::is_valid_utf8(bad));
    EXPECT_EQ(first_failing_byte(bad), 20);
}

}  // namespace
