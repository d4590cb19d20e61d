// The chat's JSON escaper and parser, and the client message decoding (RFC 8259).
#include "json.hpp"
#include "protocol.hpp"

#include <gtest/gtest.h>

namespace {

using lesson05::json::parse_object;
using lesson05::json::quote;
using Kind = lesson05::json::Value::Kind;

TEST(JsonTest, EscapesOnlyWhatJsonRequires) {  // RFC 8259 7
    EXPECT_EQ(quote("plain"), R"("plain")");
    EXPECT_EQ(quote("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(quote("\n\r\t\b\f"), R"("\n\r\t\b\f")");
    EXPECT_EQ(quote(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
    EXPECT_EQ(quote(std::string("a\0b", 3)), R"("a\u0000b")");
    EXPECT_EQ(quote("<img src=x onerror=alert(1)> / é 😀"), "\"<img src=x onerror=alert(1)> / é 😀\"");
    EXPECT_EQ(quote(""), R"("")");
}

TEST(JsonTest, ParsesTheProtocolShapes) {
    const auto r = parse_object(R"( {"type" : "hello", "n":-42, "ok":true, "no":false, "x":null, "users":["a","b"], "e":[]} )");
    ASSERT_TRUE(r.object) << r.error;
    const auto& o = *r.object;
    EXPECT_EQ(o.string("type").value_or(""), "hello");
    EXPECT_EQ(o.find("n")->integer, -42);
    EXPECT_TRUE(o.find("ok")->boolean);
    EXPECT_EQ(o.find("no")->kind, Kind::boolean);
    EXPECT_EQ(o.find("x")->kind, Kind::null);
    EXPECT_EQ(o.find("users")->items, (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(o.find("e")->items.empty());
    EXPECT_FALSE(o.string("n"));
    EXPECT_EQ(o.find("missing"), nullptr);
    EXPECT_TRUE(parse_object("{}").object);
}

TEST(JsonTest, DecodesEscapesAndSurrogatePairs) {
    const auto r = parse_object(R"({"t":"a\"\\\/\b\f\n\r\t\u00e9\u20ac\ud83d\ude00\u0000"})");
    ASSERT_TRUE(r.object) << r.error;
    EXPECT_EQ(r.object->string("t").value_or(""), std::string("a\"\\/\b\f\n\r\té€😀\0", sizeof("a\"\\/\b\f\n\r\té€😀\0") - 1));
}

TEST(JsonTest, RoundTripsEveryByteValueBelow128) {
    std::string all;
    for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
    const auto r = parse_object("{\"t\":" + quote(all) + "}");
    ASSERT_TRUE(r.object) << r.error;
    EXPECT_EQ(r.object->string("t").value_or(""), all);
}

TEST(JsonTest, RefusesWhatIsNotStrictJson) {
    for (const char* bad : {"", "[]", "\"s\"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{'a':1}",
                            "{\"a\":01}", "{\"a\":1.5}", "{\"a\":1e3}", "{\"a\":tru}", "{\"a\":{}}", "{\"a\":[1]}",
                            "{\"a\":\"x\" \"b\":1}", "{} x", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
                            "{\"a\":\"\\ud800\"}", "{\"a\":\"\\udc00\"}", "{\"a\":\"\\ud800\\u0041\"}",
                            "{\"a\":\"tab\there\"}", "{\"a\":1,\"a\":2}", "{\"a\":99999999999999999999}",
                            "{\"a\":\"unterminated}"}) {
        const auto r = parse_object(bad);
        EXPECT_FALSE(r.object) << bad;
        EXPECT_FALSE(r.error.empty()) << bad;
    }
}

TEST(JsonTest, EnforcesLimits) {
    std::string many = "{";
    for (int i = 0; i < 17; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
    many += "}";
    EXPECT_FALSE(parse_object(many).object);
    EXPECT_FALSE(parse_object("{\"" + std::string(65, 'k') + "\":1}").object);
    EXPECT_TRUE(parse_object("{\"" + std::string(64, 'k') + "\":1}").object);
}

TEST(ProtocolTest, PlainTextAndNonJsonAreChatMessages) {
    using K = lesson05::ClientCommand::Kind;
    EXPECT_EQ(lesson05::parse_client_message("hello").kind, K::message);
    EXPECT_EQ(lesson05::parse_client_message("{oops").text, "{oops");
    EXPECT_EQ(lesson05::parse_client_message("[1,2]").kind, K::message);
    const auto m = lesson05::parse_client_message(R"({"type":"message","text":"hi \u0041"})");
    EXPECT_EQ(m.kind, K::message);
    EXPECT_EQ(m.text, "hi A");
    EXPECT_EQ(lesson05::parse_client_message(R"({"type":"nick","name":"ada"})").kind, K::nick);
    EXPECT_EQ(lesson05::parse_client_message(R"({"type":"who"})").kind, K::who);
    EXPECT_EQ(lesson05::parse_client_message(R"({"type":"nick"})").kind, K::invalid);
    EXPECT_EQ(lesson05::parse_client_message(R"({"type":"message","text":5})").kind, K::invalid);
    EXPECT_EQ(lesson05::parse_client_message(R"({"text":"no type"})").kind, K::invalid);
    EXPECT_EQ(lesson05::parse_client_message(R"({"type":"dance"})").kind, K::invalid);
}

TEST(ProtocolTest, NamesAreCheckedAndCaseInsensitive) {
    EXPECT_EQ(lesson05::check_name("Ada_L.1-x"), "");
    EXPECT_NE(lesson05::check_name(""), "");
    EXPECT_NE(lesson05::check_name(std::string(25, 'a')), "");
    EXPECT_EQ(lesson05::check_name(std::string(24, 'a')), "");
    EXPECT_NE(lesson05::check_name("two words"), "");
    EXPECT_NE(lesson05::check_name("<b>"), "");
    EXPECT_NE(lesson05::check_name("Guest-7"), "");
    EXPECT_EQ(lesson05::name_key("AdA"), "ada");
}

TEST(ProtocolTest, EncodesEventsAsDocumented) {
    EXPECT_EQ(lesson05::encode_message(7, 1700000000123, "ada", "hi \"you\""),
              R"({"type":"message","id":7,"time":1700000000123,"from":"ada","text":"hi \"you\""})");
    EXPECT_EQ(lesson05::encode_hello("guest-2", 2, {"ada", "guest-2"}, 3),
              R"({"type":"hello","name":"guest-2","online":2,"users":["ada","guest-2"],"history":3})");
    EXPECT_EQ(lesson05::encode_join(5, "bob"), R"({"type":"join","time":5,"name":"bob"})");
    EXPECT_EQ(lesson05::encode_leave(5, "bob"), R"({"type":"leave","time":5,"name":"bob"})");
    EXPECT_EQ(lesson05::encode_rename(5, "a", "b"), R"({"type":"rename","time":5,"from":"a","to":"b"})");
    EXPECT_EQ(lesson05::encode_users(1, {"a"}), R"({"type":"users","online":1,"users":["a"]})");
    EXPECT_EQ(lesson05::encode_error("no"), R"({"type":"error","text":"no"})");
}

TEST(ProtocolTest, FramesAreUnmaskedTextFrames) {  // RFC 6455 5.1: a server never masks
    EXPECT_EQ(*lesson05::make_text_frame("hi"), std::string("\x81\x02hi", 4));
    const auto big = lesson05::make_text_frame(std::string(126, 'x'));
    EXPECT_EQ(big->substr(0, 4), std::string("\x81\x7e\x00\x7e", 4));
}

}  // namespace
