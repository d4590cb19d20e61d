// The HTTP head parser: requests and responses, split anywhere, with their limits and errors.

#include "ws/http.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::string_literals;
using Parser = ws::HttpParser;
using Result = ws::HttpParser::Result;

const std::string browser_request =
    "GET /ws HTTP/1.1\r\n"
    "Host: localhost:7004\r\n"
    "User-Agent: Mozilla/5.0\r\n"
    "Connection: keep-alive, Upgrade\r\n"
    "Upgrade: websocket\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "\r\n";

Result parse(Parser& parser, std::string_view bytes) {
    std::string_view in = bytes;
    return parser.push(in);
}

TEST(HttpParserTest, ParsesABrowserRequest) {
    Parser parser(Parser::Kind::request);
    ASSERT_EQ(parse(parser, browser_request), Result::complete);
    const ws::HttpHead& head = parser.head();
    EXPECT_EQ(head.method, "GET");
    EXPECT_EQ(head.target, "/ws");
    EXPECT_EQ(head.version_major, 1);
    EXPECT_EQ(head.version_minor, 1);
    ASSERT_EQ(head.headers.size(), 6u);
    EXPECT_EQ(*head.find("host"), "localhost:7004");
    EXPECT_EQ(*head.find("SEC-WEBSOCKET-KEY"), "dGhlIHNhbXBsZSBub25jZQ==");
    EXPECT_TRUE(head.has_token("connection", "upgrade"));  // "keep-alive, Upgrade" holds it
    EXPECT_FALSE(head.has_token("Connection", "close"));
    EXPECT_EQ(head.find("Origin"), nullptr);
}

TEST(HttpParserTest, GivesTheSameResultWhenFedOneByteAtATime) {
    Parser parser(Parser::Kind::request);
    for (std::size_t i = 0; i < browser_request.size(); ++i) {
        std::string_view in = std::string_view(browser_request).substr(i, 1);
        const Result result = parser.push(in);
        EXPECT_TRUE(in.empty());
        ASSERT_EQ(result, i + 1 == browser_request.size() ? Result::complete : Result::incomplete)
            << "byte " << i;
    }
    EXPECT_EQ(parser.head().headers.size(), 6u);
}

TEST(HttpParserTest, LeavesTheBytesAfterTheBlankLineInTheInput) {
    Parser parser(Parser::Kind::response);
    const std::string bytes = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x02hi";
    std::string_view in = bytes;
    ASSERT_EQ(parser.push(in), Result::complete);
    EXPECT_EQ(in, "\x81\x02hi");  // the first frame, not lost
    EXPECT_EQ(parser.head().status, 101);
    EXPECT_EQ(parser.head().reason, "Switching Protocols");
}

TEST(HttpParserTest, AcceptsBareLineFeedsAndTrimsValues) {
    Parser parser(Parser::Kind::request);
    ASSERT_EQ(parse(parser, "GET / HTTP/1.1\nHost:   example   \nX-Empty:\n\n"), Result::complete);
    EXPECT_EQ(*parser.head().find("Host"), "example");
    EXPECT_EQ(*parser.head().find("X-Empty"), "");
}

TEST(HttpParserTest, IgnoresEmptyLinesBeforeTheRequestLine) {  // RFC 9112 2.2
    Parser parser(Parser::Kind::request);
    EXPECT_EQ(parse(parser, "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n"), Result::complete);
}

TEST(HttpParserTest, RepeatedHeadersAreAllSearchedForTokens) {
    Parser parser(Parser::Kind::request);
    ASSERT_EQ(parse(parser, "GET / HTTP/1.1\r\nConnection: keep-alive\r\nConnection: Upgrade\r\n\r\n"),
              Result::complete);
    EXPECT_TRUE(parser.head().has_token("Connection", "Upgrade"));
    EXPECT_EQ(parser.head().count("connection"), 2u);
}

struct BadHead {
    std::string name;
    std::string bytes;
    int status;
    friend void PrintTo(const BadHead& x, std::ostream* os) { *os << x.name; }
};

class HttpParserErrorTest : public ::testing::TestWithParam<BadHead> {};

TEST_P(HttpParserErrorTest, AnswersWithTheRightStatus) {
    Parser parser(Parser::Kind::request,
                  ws::HttpLimits{.max_head_size = 1024, .max_headers = 8, .max_line = 256});
    EXPECT_EQ(parse(parser, GetParam().bytes), Result::error);
    EXPECT_EQ(parser.error_status(), GetParam().status) << parser.error_reason();
    EXPECT_FALSE(parser.error_reason().empty());
    // Once failed, it stays failed and takes nothing more.
    std::string_view more = "GET / HTTP/1.1\r\n\r\n";
    EXPECT_EQ(parser.push(more), Result::error);
}

std::string many_headers(int n) {
    std::string out = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < n; ++i) out += "X-" + std::to_string(i) + ": v\r\n";
    return out + "\r\n";
}

INSTANTIATE_TEST_SUITE_P(
    Heads, HttpParserErrorTest,
    ::testing::Values(
        BadHead{"NoVersion", "GET /\r\n\r\n", 400}, BadHead{"TwoSpaces", "GET  / HTTP/1.1\r\n\r\n", 400},
        BadHead{"BadVersion", "GET / HTTP/one\r\n\r\n", 400},
        BadHead{"LowercaseVersion", "GET / http/1.1\r\n\r\n", 400},
        BadHead{"MethodNotAToken", "G(T / HTTP/1.1\r\n\r\n", 400},
        BadHead{"ControlCharInTarget", std::string("GET /\x01 HTTP/1.1\r\n\r\n"), 400},
        BadHead{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        BadHead{"NoColon", "GET / HTTP/1.1\r\nHost\r\n\r\n", 400},
        BadHead{"ObsoleteFolding", "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", 400},
        BadHead{"BareCr", "GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", 400},
        BadHead{"NulInValue", "GET / HTTP/1.1\r\nX: a\0b\r\n\r\n"s, 400},
        BadHead{"TooManyHeaders", many_headers(9), 431},
        BadHead{"HeadTooLarge",
                "GET / HTTP/1.1\r\nX: " + std::string(200, 'a') + "\r\nY: " + std::string(200, 'b') +
                    "\r\nZ: " + std::string(200, 'c') + "\r\nW: " + std::string(200, 'd') +
                    "\r\nV: " + std::string(200, 'e') + "\r\n\r\n",
                431},
        BadHead{"HeaderLineTooLong", "GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", 431},
        BadHead{"RequestLineTooLong", "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", 414},
        BadHead{"EndlessLineWithoutNewline", "GET / HTTP/1.1\r\nX: " + std::string(5000, 'a'), 431}),
    [](const auto& test) { return test.param.name; });

TEST(HttpParserTest, TheStatusForAnOverlongHeadDoesNotDependOnHowItIsCut) {
    // Found by the fuzzer: a request line crossing both limits got 431 when it arrived whole
    // and 414 when it arrived in pieces. The limit crossed at the earlier byte now decides.
    const ws::HttpLimits limits{.max_head_size = 1024, .max_headers = 8, .max_line = 256};
    const std::string line = "GET /" + std::string(2000, 'a');
    for (const std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{300}, line.size()}) {
        Parser parser(Parser::Kind::request, limits);
        Result result = Result::incomplete;
        for (std::size_t at = 0; at < line.size() && result == Result::incomplete; at += chunk) {
            std::string_view piece = std::string_view(line).substr(at, chunk);
            result = parser.push(piece);
        }
        ASSERT_EQ(result, Result::error) << chunk;
        EXPECT_EQ(parser.error_status(), 414) << "cut in pieces of " << chunk;
    }
}

TEST(HttpParserTest, ParsesAStatusLineWithoutAReason) {
    Parser parser(Parser::Kind::response);
    ASSERT_EQ(parse(parser, "HTTP/1.1 404\r\n\r\n"), Result::complete);
    EXPECT_EQ(parser.head().status, 404);
    EXPECT_EQ(parser.head().reason, "");
}

TEST(HttpParserTest, RefusesAMalformedStatusLine) {
    for (const std::string bad :
         {"HTTP/1.1 1011 x\r\n\r\n", "HTTP/1.1 abc x\r\n\r\n", "HTTX/1.1 101 x\r\n\r\n"}) {
        Parser parser(Parser::Kind::response);
        EXPECT_EQ(parse(parser, bad), Result::error) << bad;
    }
}

TEST(HttpTokensTest, SplitsAndTrimsCommaSeparatedLists) {
    const auto tokens = ws::split_tokens(" keep-alive ,Upgrade,, \t x ");
    ASSERT_EQ(tokens.size(), 3u);
    EXPECT_EQ(tokens[0], "keep-alive");
    EXPECT_EQ(tokens[1], "Upgrade");
    EXPECT_EQ(tokens[2], "x");
    EXPECT_TRUE(ws::iequals("WebSocket", "websocket"));
    EXPECT_FALSE(ws::iequals("websocket", "websockets"));
}

}  // namespace
