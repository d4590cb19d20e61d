// The chat's JSON escaper and parser, and the client message decoding (RFC 8259).
#include "json.hpp"
#include "protocol.hpp"
#include "ws/utf8.hpp"

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
    const auto r = parse_object(
        R"( {"type" : "hello", "n":-42, "ok":true, "no":false, "x":null, "users":["a","b"], "e":[]} )");
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
    EXPECT_EQ(r.object->string("t").value_or(""),
              std::string("a\"\\/\b\f\n\r\té€😀\0", sizeof("a\"\\/\b\f\n\r\té€😀\0") - 1));
}

TEST(JsonTest, RoundTripsEveryByteValueBelow128) {
    std::string all;
    for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
    const auto r = parse_object("{\"t\":" + quote(all) + "}");
    ASSERT_TRUE(r.object) << r.error;
    EXPECT_EQ(r.object->string("t").value_or(""), all);
}

TEST(JsonTest, RefusesWhatIsNotStrictJson) {
    for (const char* bad : {"",
                            "[]",
                            "\"s\"",
                            "{",
                            "{\"a\"}",
                            "{\"a\":}",
                            "{\"a\":1,}",
                            "{a:1}",
                            "{'a':1}",
                            "{\"a\":01}",
                            "{\"a\":1.5}",
                            "{\"a\":1e3}",
                            "{\"a\":tru}",
                            "{\"a\":{}}",
                            "{\"a\":[1]}",
                            "{\"a\":\"x\" \"b\":1}",
                            "{} x",
                            "{\"a\":\"\\x\"}",
                            "{\"a\":\"\\u12\"}",
                            "{\"a\":\"\\ud800\"}",
                            "{\"a\":\"\\udc00\"}",
                            "{\"a\":\"\\ud800\\u0041\"}",
                            "{\"a\":\"tab\there\"}",
                            "{\"a\":1,\"a\":2}",
                            "{\"a\":99999999999999999999}",
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

TEST(JsonTest, RandomInputNeverCrashesAndRoundTripsWhenAccepted) {
    // Random objects built from JSON's pieces, half of them then damaged at one random byte (or
    // cut short), so that inputs reach every corner of the parser. Whatever it accepts must
    // survive a round trip through the escaper. (Under ASan a stray read would stop the test.)
    const char* pieces[] = {"a",    "Z",   " ",       "\xc3\xa9",       "\\n",     "\\\"",
                            "\\\\", "\\/", "\\u00e9", "\\ud83d\\ude00", "\\u0000", "<b>"};
    const char* values[] = {"0", "-12", "true", "false", "null", "[]", "[\"x\",\"y\"]"};
    const std::string damage = "{}[]:,\"\\ 0-.eu\x01\xff";
    std::uint32_t seed = 12345;  // a fixed seed: a failure is reproducible
    const auto next = [&seed] {
        return (seed = seed * 1664525u + 1013904223u) >> 8;
    };  // high bits: an LCG's low bits cycle
    int accepted = 0, refused = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text = "{";
        const std::size_t members = 1 + next() % 3;
        for (std::size_t m = 0; m < members; ++m) {
            text += (m ? ",\"k" : "\"k") + std::to_string(m) + "\":";
            if (next() % 2) {
                text += '"';
                for (std::size_t j = next() % 8; j > 0; --j) text += pieces[next() % std::size(pieces)];
                text += '"';
            } else {
                text += values[next() % std::size(values)];
            }
        }
        text += "}";
        if (next() % 2) {
            if (next() % 4 == 0) text.resize(next() % text.size());
            else text[next() % text.size()] = damage[next() % damage.size()];
        }
        const auto r = parse_object(text);
        if (!r.object) {
            ++refused;
            EXPECT_FALSE(r.error.empty()) << text;
            continue;
        }
        ++accepted;
        for (const auto& m : r.object->members) {
            if (m.value.kind != Kind::string) continue;
            const auto again = parse_object("{\"k\":" + quote(m.value.text) + "}");
            ASSERT_TRUE(again.object) << text;
            EXPECT_EQ(again.object->string("k").value_or("?"), m.value.text) << text;
        }
    }
    EXPECT_GT(accepted, 5000) << "the generator should make plenty of valid JSON";
    EXPECT_GT(refused, 5000) << "and plenty of broken JSON";
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

TEST(ProtocolTest, Utf8PrefixEndsBetweenCharacters) {  // RFC 6455 8.1: a text frame is UTF-8
    using lesson05::utf8_prefix;
    EXPECT_EQ(utf8_prefix("abc", 5), "abc");
    EXPECT_EQ(utf8_prefix("abc", 2), "ab");
    EXPECT_EQ(utf8_prefix("a\xC3\xA9", 2), "a") << "2-byte character cut after its first byte";
    EXPECT_EQ(utf8_prefix("a\xC3\xA9", 3), "a\xC3\xA9");
    EXPECT_EQ(utf8_prefix("a\xE2\x82\xAC", 3), "a") << "3-byte character cut after its second byte";
    EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80"
                          "b",
                          3),
              "");
    EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80"
                          "b",
                          4),
              "\xF0\x9F\x98\x80");
    EXPECT_EQ(utf8_prefix("\xF0\x9F\x98\x80", 0), "");
}

TEST(ProtocolTest, UnknownTypeIsQuotedWithoutSplittingACharacter) {
    // Every cut position through 1-, 2-, 3- and 4-byte characters: the error text stays UTF-8.
    for (const std::string character : {"x", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
        for (std::size_t lead = 0; lead <= 40; ++lead) {
            std::string type(lead, 'a');
            for (int i = 0; i < 12; ++i) type += character;
            const auto command = lesson05::parse_client_message(R"({"type":")" + type + "\"}");
            ASSERT_EQ(command.kind, lesson05::ClientCommand::Kind::invalid);
            EXPECT_TRUE(ws::is_valid_utf8(command.text)) << lead << " + " << character;
            EXPECT_NE(command.text.find(type.substr(0, std::min<std::size_t>(lead, 32))), std::string::npos);
        }
    }
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

TEST(ProtocolTest, RoleLikeNamesAreRefusedWhateverTheirSpelling) {
    for (const char* name :
         {"admin",  "Admin",   "ADMIN",   "server",   "Server", "system",    "SyStEm", "ad.min",
          "ad-min", "sys_tem", "admin2",  "System_2", "root",   "moderator", "mod",    "everyone",
          "guest",  "guest7",  "Guest_7", "support",  "staff",  "owner",     "bot"}) {
        EXPECT_TRUE(lesson05::is_role_name(name)) << name;
        EXPECT_NE(lesson05::check_name(name), "") << name;
    }
    for (const char* name :
         {"ada", "admiral", "modest", "serverless", "systems_ada", "rooted", "a2dmin", "bob"}) {
        EXPECT_FALSE(lesson05::is_role_name(name)) << name;
        EXPECT_EQ(lesson05::check_name(name), "") << name;
    }
    EXPECT_NE(lesson05::check_name("Admin").find("could pass for the server"), std::string::npos);
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

TEST(ProtocolTest, ResumeTakesAStringOrANumberId) {
    using K = lesson05::ClientCommand::Kind;
    const auto s = lesson05::parse_client_message(R"({"type":"resume","after":"1764540000000-0"})");
    EXPECT_EQ(s.kind, K::resume);
    EXPECT_EQ(s.text, "1764540000000-0");
    const auto n = lesson05::parse_client_message(R"({"type":"resume","after":17})");
    EXPECT_EQ(n.kind, K::resume);
    EXPECT_EQ(n.text, "17");
    for (const char* bad : {R"({"type":"resume"})", R"({"type":"resume","after":""})",
                            R"({"type":"resume","after":-1})", R"({"type":"resume","after":["1"]})"})
        EXPECT_EQ(lesson05::parse_client_message(bad).kind, K::invalid) << bad;
    const std::string long_id(lesson05::max_resume_id_size + 1, '1');
    EXPECT_EQ(lesson05::parse_client_message(R"({"type":"resume","after":")" + long_id + "\"}").kind,
              K::invalid);
}

TEST(ProtocolTest, MessageIdsAreNumbersHereAndStringsInLesson08) {
    EXPECT_EQ(lesson05::encode_message(7, 1, "ada", "hi"),
              R"({"type":"message","id":7,"time":1,"from":"ada","text":"hi"})");
    EXPECT_EQ(lesson05::encode_message(std::string_view("1764540000000-0"), 1, "ada", "hi"),
              R"({"type":"message","id":"1764540000000-0","time":1,"from":"ada","text":"hi"})");
}

TEST(ProtocolTest, FramesAreUnmaskedTextFrames) {  // RFC 6455 5.1: a server never masks
    EXPECT_EQ(*lesson05::make_text_frame("hi"), std::string("\x81\x02hi", 4));
    const auto big = lesson05::make_text_frame(std::string(126, 'x'));
    EXPECT_EQ(big->substr(0, 4), std::string("\x81\x7e\x00\x7e", 4));
}

}  // namespace
