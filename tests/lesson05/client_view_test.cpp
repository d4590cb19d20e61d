// What 05-chat-client prints and sends, without a socket.
#include "client_view.hpp"

#include <gtest/gtest.h>

namespace {

using lesson05::describe_server_event;
using lesson05::InputLine;
using lesson05::interpret_input;

TEST(ClientViewTest, EventsBecomeReadableLines) {
    EXPECT_EQ(
        describe_server_event(R"({"type":"message","id":1,"time":0,"from":"ada","text":"hi\nthere"})", false),
        "ada: hi\\nthere");
    // Every text goes through course::terminal_safe (tested byte by byte in tests/common).
    EXPECT_EQ(describe_server_event(
                  R"({"type":"message","id":1,"time":0,"from":"ada","text":"\u001b[2J\u009b"})", false),
              "ada: \\x1b[2J\\x9b");
    EXPECT_EQ(describe_server_event(R"({"type":"join","time":0,"name":"bob"})", false), "* bob joined");
    EXPECT_EQ(describe_server_event(R"({"type":"leave","time":0,"name":"bob"})", false), "* bob left");
    EXPECT_EQ(describe_server_event(R"({"type":"rename","time":0,"from":"a","to":"b"})", false),
              "* a is now b");
    EXPECT_EQ(describe_server_event(R"({"type":"users","online":2,"users":["a","b"]})", false),
              "* 2 online: a, b");
    EXPECT_EQ(describe_server_event(R"({"type":"error","text":"no"})", false), "! no");
    EXPECT_EQ(describe_server_event(
                  R"({"type":"hello","name":"guest-1","online":1,"users":["guest-1"],"history":0})", false),
              "* you are guest-1; 1 online: guest-1 (/help for commands)");
    EXPECT_EQ(describe_server_event("not json", false), "not json");
    const std::string timed =
        describe_server_event(R"({"type":"message","id":1,"time":0,"from":"a","text":"x"})");
    EXPECT_EQ(timed.size(), std::string("[00:00:00] a: x").size()) << timed;
}

TEST(ClientViewTest, InputLinesBecomeProtocolMessages) {
    EXPECT_EQ(interpret_input("hi \"you\"").message, R"({"type":"message","text":"hi \"you\""})");
    EXPECT_EQ(interpret_input("/nick ada").message, R"({"type":"nick","name":"ada"})");
    EXPECT_EQ(interpret_input("/who").message, R"({"type":"who"})");
    EXPECT_EQ(interpret_input("//slash").message, R"({"type":"message","text":"/slash"})");
    EXPECT_EQ(interpret_input("/quit").kind, InputLine::Kind::quit);
    EXPECT_EQ(interpret_input("/dance").kind, InputLine::Kind::unknown);
    EXPECT_EQ(interpret_input("").kind, InputLine::Kind::empty);
    EXPECT_EQ(interpret_input("crlf\r").message, R"({"type":"message","text":"crlf"})");
}

}  // namespace
