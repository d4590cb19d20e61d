// What a line typed into 04-ws-client means (client_commands.hpp), without sockets.

#include "client_commands.hpp"

#include <gtest/gtest.h>

namespace {

using Kind = lesson04::ClientCommand::Kind;
constexpr ws::MaskKey key{0x37, 0xfa, 0x21, 0x3d};

lesson04::ClientCommand parse(std::string_view line) { return lesson04::parse_client_command(line, key); }

TEST(ClientCommandTest, PlainLinesAndDoubleSlashAreText) {
    EXPECT_EQ(parse("hello").kind, Kind::text);
    EXPECT_EQ(parse("hello").text, "hello");
    EXPECT_EQ(parse("").kind, Kind::text) << "an empty line is an empty message";
    EXPECT_EQ(parse("//ping").kind, Kind::text);
    EXPECT_EQ(parse("//ping").text, "/ping");
}

TEST(ClientCommandTest, ControlFramesAndMessages) {
    EXPECT_EQ(parse("/ping").kind, Kind::ping);
    EXPECT_EQ(parse("/ping are you there").text, "are you there");
    EXPECT_EQ(parse("/ping " + std::string(126, 'x')).kind, Kind::usage)
        << "a control frame carries at most 125 bytes";
    EXPECT_EQ(parse("/binary abc").kind, Kind::binary);
    EXPECT_EQ(parse("/binary abc").text, "abc");
    EXPECT_EQ(parse("/quit").kind, Kind::quit);
    EXPECT_EQ(parse("/help").kind, Kind::help);
    EXPECT_EQ(parse("/nope").kind, Kind::unknown);
    EXPECT_EQ(parse("/nope x").text, "/nope");
}

TEST(ClientCommandTest, CloseTakesAnOptionalCodeAndReason) {
    EXPECT_EQ(parse("/close").code, 1000);
    EXPECT_EQ(parse("/close").text, "");
    const auto with_reason = parse("/close 4000 see you");
    EXPECT_EQ(with_reason.kind, Kind::close);
    EXPECT_EQ(with_reason.code, 4000);
    EXPECT_EQ(with_reason.text, "see you");
    EXPECT_EQ(parse("/close 65536").kind, Kind::usage);
    EXPECT_EQ(parse("/close abc").kind, Kind::usage);
    EXPECT_EQ(parse("/close 1000 " + std::string(124, 'r')).kind, Kind::usage)
        << "a reason is at most 123 bytes";
    EXPECT_EQ(parse("/close 1000 " + std::string(123, 'r')).kind, Kind::close);
}

TEST(ClientCommandTest, FragmentsNeedACountFromOneToAThousand) {
    const auto frag = parse("/frag 3 abcdef");
    EXPECT_EQ(frag.kind, Kind::fragments);
    EXPECT_EQ(frag.count, 3u);
    EXPECT_EQ(frag.text, "abcdef");
    EXPECT_EQ(parse("/frag 0 x").kind, Kind::usage);
    EXPECT_EQ(parse("/frag 1001 x").kind, Kind::usage);
    EXPECT_EQ(parse("/frag x").kind, Kind::usage);
}

TEST(ClientCommandTest, ViolationsAreTheExactBytesOfABrokenFrame) {
    EXPECT_EQ(parse("/unmasked hi").text, std::string("\x81\x02hi"));
    EXPECT_EQ(parse("/rsv hi").text.substr(0, 2), std::string("\xC1\x82"));   // RSV1 set, masked
    EXPECT_EQ(parse("/bigping").text.substr(0, 2), std::string("\x89\xFE"));  // 126: a 16-bit length
    EXPECT_EQ(parse("/badclose").text.substr(0, 2), std::string("\x88\x81"));
    const auto utf8 = parse("/badutf8").text;
    ASSERT_EQ(utf8.size(), 8u);
    EXPECT_EQ(static_cast<unsigned char>(utf8[6]) ^ key[0], 0xC3) << "masked C3 28";
    EXPECT_EQ(parse("/raw 81 00").text, std::string("\x81\x00", 2));
    EXPECT_EQ(parse("/raw 8").kind, Kind::usage);
    EXPECT_EQ(parse("/raw zz").kind, Kind::usage);
}

TEST(ClientCommandTest, HexParsingIgnoresSpacesAndNeedsWholeBytes) {
    EXPECT_EQ(lesson04::parse_hex("8100"), std::string("\x81\x00", 2));
    EXPECT_EQ(lesson04::parse_hex("de AD be ef"), std::string("\xde\xad\xbe\xef"));
    EXPECT_FALSE(lesson04::parse_hex("abc"));
    EXPECT_FALSE(lesson04::parse_hex("0g"));
}

}  // namespace
