// The chat protocol's pure functions, rule by rule (see protocol.hpp for the grammar).

#include "protocol.hpp"

#include <gtest/gtest.h>

namespace {

using namespace lesson02::protocol;
using Kind = Command::Kind;

TEST(ChatProtocolTest, NamesAreOneToThirtyTwoSafeCharacters) {
    EXPECT_TRUE(valid_name("alice"));
    EXPECT_TRUE(valid_name("Bob_2.0-x"));
    EXPECT_TRUE(valid_name(std::string(max_name, 'n')));
    EXPECT_FALSE(valid_name(std::string(max_name + 1, 'n')));
    EXPECT_FALSE(valid_name(""));
}

TEST(ChatProtocolTest, NamesRefuseSpacesColonsAndMarkers) {
    // A name with ':' or ' ' would make "NAME: TEXT" ambiguous; '*' and '!' start notices and errors.
    for (const char* bad : {"al ice", "a:b", "*", "!x", "tab\there", "caf\xc3\xa9"}) {
        EXPECT_FALSE(valid_name(bad)) << bad;
    }
    EXPECT_FALSE(valid_name(std::string_view("nul\0x", 5)));
}

TEST(ChatProtocolTest, ServerLinesHaveThreeShapes) {
    EXPECT_EQ(chat_line("alice", "hi there"), "alice: hi there\n");
    EXPECT_EQ(notice("bob joined"), "* bob joined\n");
    EXPECT_EQ(error("line too long"), "! line too long\n");
}

TEST(ChatProtocolTest, SanitizeEscapesControlsAndInvalidUtf8ButKeepsTabsAndUtf8) {
    // course::terminal_safe, tested byte by byte in tests/common; here the cases of the README.
    EXPECT_EQ(sanitize("a\x1b[2Jb"), "a\\x1b[2Jb");
    EXPECT_EQ(sanitize(std::string_view("n\0l\x7f", 4)), "n\\x00l\\x7f");
    EXPECT_EQ(sanitize("c1 \xc2\x9b"
                       "31m raw \x9b"
                       "31m"),
              "c1 \\x9b31m raw \\x9b31m");
    EXPECT_EQ(sanitize("overlong \xc0\xaf cut \xe2\x82"), "overlong \\xc0\\xaf cut \\xe2\\x82");
    EXPECT_EQ(sanitize("tab\there caf\xc3\xa9"), "tab\there caf\xc3\xa9");
}

TEST(ChatProtocolTest, PlainTextIsSaid) {
    const auto command = parse_command("hello /who");
    EXPECT_EQ(command.kind, Kind::say);
    EXPECT_EQ(command.argument, "hello /who");
}

TEST(ChatProtocolTest, BlankLinesAreEmpty) {
    EXPECT_EQ(parse_command("").kind, Kind::empty);
    EXPECT_EQ(parse_command("  \t ").kind, Kind::empty);
}

TEST(ChatProtocolTest, CommandsAreRecognised) {
    EXPECT_EQ(parse_command("/who").kind, Kind::who);
    EXPECT_EQ(parse_command("/quit").kind, Kind::quit);
    EXPECT_EQ(parse_command("/help").kind, Kind::help);
    const auto nick = parse_command("/nick   carol  ");
    EXPECT_EQ(nick.kind, Kind::nick);
    EXPECT_EQ(nick.argument, "carol");
    EXPECT_EQ(parse_command("/nick").argument, "");
}

TEST(ChatProtocolTest, UnknownCommandsAndExtraArgumentsAreUnknown) {
    const auto unknown = parse_command("/dance now");
    EXPECT_EQ(unknown.kind, Kind::unknown);
    EXPECT_EQ(unknown.argument, "/dance");
    EXPECT_EQ(parse_command("/quit now").kind, Kind::unknown);
    EXPECT_EQ(parse_command("/WHO").kind, Kind::unknown);
}

TEST(ChatProtocolTest, ParsesWhatTheServerSends) {
    const auto chat = parse_server_line("alice: hi: there");
    ASSERT_TRUE(chat);
    EXPECT_EQ(chat->kind, ServerLine::Kind::chat);
    EXPECT_EQ(chat->name, "alice");
    EXPECT_EQ(chat->text, "hi: there");
    const auto note = parse_server_line("* bob joined");
    ASSERT_TRUE(note);
    EXPECT_EQ(note->kind, ServerLine::Kind::notice);
    EXPECT_EQ(note->text, "bob joined");
    const auto err = parse_server_line("! name bob is taken; try another");
    ASSERT_TRUE(err);
    EXPECT_EQ(err->kind, ServerLine::Kind::error);
    EXPECT_EQ(err->text, "name bob is taken; try another");
}

TEST(ChatProtocolTest, RejectsServerLinesOfNoKnownShape) {
    EXPECT_FALSE(parse_server_line(""));
    EXPECT_FALSE(parse_server_line("hello"));
    EXPECT_FALSE(parse_server_line("two words: text"));
    EXPECT_FALSE(parse_server_line("*no space"));
}

TEST(ChatProtocolTest, EveryFormattedLineParsesBack) {
    const auto round = [](const std::string& line) {
        return parse_server_line(line.substr(0, line.size() - 1));
    };
    EXPECT_EQ(round(chat_line("x", ""))->text, "");
    EXPECT_EQ(round(chat_line("a.b", "* not a notice"))->kind, ServerLine::Kind::chat);
    EXPECT_EQ(round(notice("x"))->kind, ServerLine::Kind::notice);
    EXPECT_EQ(round(error("x"))->kind, ServerLine::Kind::error);
}

}  // namespace
