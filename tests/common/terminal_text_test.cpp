// Terminal-safe text, byte by byte: every single byte, every C1 control, the edges of each
// range in Unicode table 3-7, sequences cut short, and random bytes checked for the promise
// (the output is valid UTF-8 without a control character, and safe text stays as it is).

#include "common/terminal_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace {

using course::terminal_safe;
using course::utf8_sequence_length;

std::string hex_escape(unsigned value) {
    static constexpr char hex[] = "0123456789abcdef";
    return std::string("\\x") + hex[value >> 4] + hex[value & 0xF];
}

// True if `text` is valid UTF-8 holding no C0 control but tab, no DEL and no C1 control.
bool safe_for_a_terminal(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t length = utf8_sequence_length(text.substr(i));
        if (length == 0) return false;
        const auto lead = static_cast<std::uint8_t>(text[i]);
        if (length == 1 && ((lead < 0x20 && lead != '\t') || lead == 0x7F)) return false;
        if (length == 2 && lead == 0xC2 && static_cast<std::uint8_t>(text[i + 1]) < 0xA0) return false;
        i += length;
    }
    return true;
}

TEST(TerminalTextTest, PlainTextTabsAndUtf8PassUnchanged) {
    EXPECT_EQ(terminal_safe(""), "");
    EXPECT_EQ(terminal_safe("hello, world ~!"), "hello, world ~!");
    EXPECT_EQ(terminal_safe("tab\there"), "tab\there");
    // 2, 3 and 4 bytes: é (U+00E9), € (U+20AC), 😀 (U+1F600); U+00A0, the first after C1.
    EXPECT_EQ(terminal_safe("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0"),
              "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xc2\xa0");
    EXPECT_EQ(terminal_safe("back\\slash \\x1b"), "back\\slash \\x1b");  // not escaped
}

TEST(TerminalTextTest, EverySingleByteIsShownOrEscaped) {
    for (unsigned byte = 0; byte < 256; ++byte) {
        const std::string input(1, static_cast<char>(byte));
        std::string expected;
        if (byte == '\n') expected = "\\n";
        else if (byte == '\r') expected = "\\r";
        else if (byte == '\t' || (byte >= 0x20 && byte < 0x7F)) expected = input;
        else expected = hex_escape(byte);  // C0, DEL, and every byte >= 0x80 alone (never UTF-8)
        EXPECT_EQ(terminal_safe(input), expected) << "byte " << byte;
    }
}

TEST(TerminalTextTest, EscapeAndCsiSequencesAreShownNotObeyed) {
    EXPECT_EQ(terminal_safe("\x1b[2Jgone"), "\\x1b[2Jgone");             // clear the screen
    EXPECT_EQ(terminal_safe("\x1b]0;owned\x07"), "\\x1b]0;owned\\x07");  // retitle the window
    EXPECT_EQ(terminal_safe("a\nb\rc\x7f"), "a\\nb\\rc\\x7f");
    EXPECT_EQ(terminal_safe(std::string_view("nul\0here", 8)), "nul\\x00here");
}

TEST(TerminalTextTest, EveryC1ControlIsEscapedAsItsCodePoint) {
    // U+0080..U+009F in UTF-8 are C2 80..C2 9F; U+009B alone is a CSI ("ESC [").
    for (unsigned point = 0x80; point <= 0x9F; ++point) {
        const std::string input = std::string("\xc2") + static_cast<char>(point) + "31m";
        EXPECT_EQ(terminal_safe(input), hex_escape(point) + "31m") << "U+00" << std::hex << point;
    }
}

TEST(TerminalTextTest, RawC1BytesAreNeverPassedOn) {
    // 0x9B alone is the CSI some terminals obey in their 8-bit mode: not UTF-8, so escaped.
    EXPECT_EQ(terminal_safe("\x9b"
                            "2J"),
              "\\x9b2J");
    EXPECT_EQ(terminal_safe("x\x85\x9b\x9cy"), "x\\x85\\x9b\\x9cy");
}

TEST(TerminalTextTest, OverlongFormsAreEscapedByteByByte) {
    EXPECT_EQ(terminal_safe("\xc0\x80"), "\\xc0\\x80");  // NUL in two bytes
    EXPECT_EQ(terminal_safe("\xc0\xaf"), "\\xc0\\xaf");  // '/' in two bytes
    EXPECT_EQ(terminal_safe("\xc1\xbf"), "\\xc1\\xbf");
    EXPECT_EQ(terminal_safe("\xe0\x80\x80"), "\\xe0\\x80\\x80");
    EXPECT_EQ(terminal_safe("\xe0\x9f\xbf"), "\\xe0\\x9f\\xbf");  // U+07FF in three bytes
    EXPECT_EQ(terminal_safe("\xe0\xa0\x80"), "\xe0\xa0\x80");     // U+0800: the first that needs three
    EXPECT_EQ(terminal_safe("\xf0\x8f\xbf\xbf"), "\\xf0\\x8f\\xbf\\xbf");  // U+FFFF in four bytes
    EXPECT_EQ(terminal_safe("\xf0\x90\x80\x80"), "\xf0\x90\x80\x80");      // U+10000
    EXPECT_EQ(terminal_safe("\xc2\x9b"), "\\x9b");  // and the overlong way to write a CSI is no way
}

TEST(TerminalTextTest, SurrogatesAndValuesPastTheLastCodePointAreEscaped) {
    EXPECT_EQ(terminal_safe("\xed\x9f\xbf"), "\xed\x9f\xbf");          // U+D7FF: fine
    EXPECT_EQ(terminal_safe("\xed\xa0\x80"), "\\xed\\xa0\\x80");       // U+D800, a surrogate
    EXPECT_EQ(terminal_safe("\xed\xbf\xbf"), "\\xed\\xbf\\xbf");       // U+DFFF
    EXPECT_EQ(terminal_safe("\xee\x80\x80"), "\xee\x80\x80");          // U+E000: fine
    EXPECT_EQ(terminal_safe("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xbf");  // U+10FFFF, the last
    EXPECT_EQ(terminal_safe("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");
    EXPECT_EQ(terminal_safe("\xf5\x80\x80\x80"), "\\xf5\\x80\\x80\\x80");
    EXPECT_EQ(terminal_safe("\xff\xfe"), "\\xff\\xfe");
}

TEST(TerminalTextTest, SequencesCutShortAreEscapedAndWhatFollowsIsKept) {
    EXPECT_EQ(terminal_safe("\xc3"), "\\xc3");
    EXPECT_EQ(terminal_safe("\xe2\x82"), "\\xe2\\x82");
    EXPECT_EQ(terminal_safe("\xf0\x9f\x98"), "\\xf0\\x9f\\x98");
    EXPECT_EQ(terminal_safe("\xe2\x82"
                            "A"),
              "\\xe2\\x82A");
    EXPECT_EQ(terminal_safe("\xf0\x9f"
                            "\xc3\xa9"),
              "\\xf0\\x9f\xc3\xa9");                           // é after the cut survives
    EXPECT_EQ(terminal_safe("\xc3\x1b[1m"), "\\xc3\\x1b[1m");  // a lead cannot swallow an ESC
    EXPECT_EQ(terminal_safe("\xe2\xc2\x9b"), "\\xe2\\x9b");    // nor hide a C1 control
}

TEST(TerminalTextTest, SequenceLengthFollowsUnicodeTable37) {
    EXPECT_EQ(utf8_sequence_length(""), 0u);
    EXPECT_EQ(utf8_sequence_length("a"), 1u);
    EXPECT_EQ(utf8_sequence_length("\x7f"), 1u);
    EXPECT_EQ(utf8_sequence_length("\x80"), 0u);
    EXPECT_EQ(utf8_sequence_length("\xc2\x80"), 2u);
    EXPECT_EQ(utf8_sequence_length("\xdf\xbf"), 2u);
    EXPECT_EQ(utf8_sequence_length("\xc2\xc0"), 0u);
    EXPECT_EQ(utf8_sequence_length("\xe1\x80\x80"), 3u);
    EXPECT_EQ(utf8_sequence_length("\xef\xbf\xbf"), 3u);
    EXPECT_EQ(utf8_sequence_length("\xf1\x80\x80\x80"), 4u);
    EXPECT_EQ(utf8_sequence_length("\xf3\xbf\xbf\xbf"), 4u);
    EXPECT_EQ(utf8_sequence_length("\xf3\xbf\xbf"), 0u);
    EXPECT_EQ(utf8_sequence_length("\xc3\xa9tail"), 2u);  // only the first sequence counts
}

// A second, independent reading of RFC 3629: decode the value arithmetically, then refuse
// what is too long for its value, a surrogate or past U+10FFFF.
std::size_t reference_length(std::string_view bytes) {
    if (bytes.empty()) return 0;
    const auto lead = static_cast<std::uint8_t>(bytes[0]);
    if (lead < 0x80) return 1;
    const std::size_t length = lead >= 0xF8 ? 0 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (length == 0 || bytes.size() < length) return 0;
    std::uint32_t value = lead & (0x7F >> length);
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<std::uint8_t>(bytes[i]);
        if ((next & 0xC0) != 0x80) return 0;
        value = value << 6 | (next & 0x3F);
    }
    const std::uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (value < shortest[length] || (value >= 0xD800 && value <= 0xDFFF) || value > 0x10FFFF) return 0;
    return length;
}

TEST(TerminalTextTest, SequenceLengthAgreesWithAnArithmeticDecoder) {
    std::string bytes(4, '\0');
    const auto check = [&](std::size_t size) {
        const std::string_view view(bytes.data(), size);
        ASSERT_EQ(utf8_sequence_length(view), reference_length(view))
            << std::hex << +static_cast<std::uint8_t>(bytes[0]) << " " << +static_cast<std::uint8_t>(bytes[1])
            << " " << +static_cast<std::uint8_t>(bytes[2]) << " " << +static_cast<std::uint8_t>(bytes[3]);
    };
    const auto set = [&](unsigned a, unsigned b, unsigned c, unsigned d) {
        bytes = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
    };
    for (unsigned a = 0; a < 256; ++a) {  // every 1- and 2-byte input
        bytes[0] = static_cast<char>(a);
        check(1);
        for (unsigned b = 0; b < 256; ++b) {
            bytes[1] = static_cast<char>(b);
            check(2);
        }
    }
    for (unsigned a = 0xE0; a <= 0xEF; ++a) {  // every 3-byte input with a 3-byte lead
        for (unsigned b = 0; b < 256; ++b) {
            for (unsigned c = 0; c < 256; ++c) {
                set(a, b, c, 0);
                check(3);
            }
        }
    }
    // 4-byte leads with the continuation bytes at the edges of every range in table 3-7.
    const unsigned edges[] = {0x00, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
    for (unsigned a = 0xF0; a <= 0xFF; ++a) {
        for (const unsigned b : edges) {
            for (const unsigned c : edges) {
                for (const unsigned d : edges) {
                    set(a, b, c, d);
                    check(4);
                    check(3);  // and cut short
                }
            }
        }
    }
}

TEST(TerminalTextTest, RandomBytesComeOutSafeAndSafeTextIsLeftAsItIs) {
    std::mt19937 random(20261130);  // fixed seed: the same bytes every run
    std::uniform_int_distribution<int> byte(0, 255), length(0, 40);
    // A bias towards the interesting bytes: leads, continuations, C1, ESC.
    const std::string interesting = "\x1b\x7f\x80\x9b\xbf\xc2\xc3\xe0\xed\xf0\xf4\xff";
    for (int round = 0; round < 20000; ++round) {
        std::string input;
        for (int i = length(random); i > 0; --i) {
            const int pick = byte(random);
            input += pick < 96 ? interesting[static_cast<std::size_t>(pick) % interesting.size()]
                               : static_cast<char>(byte(random));
        }
        const std::string safe = terminal_safe(input);
        ASSERT_TRUE(safe_for_a_terminal(safe)) << "input of " << input.size() << " bytes, round " << round;
        ASSERT_EQ(terminal_safe(safe), safe) << "not idempotent, round " << round;
        if (safe_for_a_terminal(input)) {
            ASSERT_EQ(safe, input) << "changed safe text, round " << round;
        }
    }
}

}  // namespace
