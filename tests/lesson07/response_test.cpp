// The feed server's HTTP answers, byte for byte.

#include "feed/response.hpp"
#include "ws/http.hpp"

#include <gtest/gtest.h>

namespace {

TEST(FeedResponseTest, WritesAnAnswerWithLengthNoStoreAndKeepAlive) {
    const auto response = feed::http_response(200, "text/html; charset=utf-8", "<p>hi</p>", true);
    const std::string head =
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "Content-Length: 9\r\n"
        "Cache-Control: no-store\r\n"
        "Connection: keep-alive\r\n"
        "\r\n";
    EXPECT_EQ(response.bytes, head + "<p>hi</p>");
    EXPECT_EQ(response.head_size, head.size());
    EXPECT_EQ(response.status, 200);
}

TEST(FeedResponseTest, WritesJsonThatClosesTheConnection) {
    const auto response = feed::json_response(202, R"({"id":3})", false);
    EXPECT_EQ(response.bytes,
              "HTTP/1.1 202 Accepted\r\n"
              "Content-Type: application/json\r\n"
              "Content-Length: 8\r\n"
              "Cache-Control: no-store\r\n"
              "Connection: close\r\n"
              "\r\n"
              R"({"id":3})");
    EXPECT_EQ(response.bytes.size() - response.head_size, 8u);
}

TEST(FeedResponseTest, WritesAnErrorWithItsReasonOnOneLineAndExtraHeaders) {
    const auto response =
        feed::error_response(405, "GET is not allowed on /publish", true, "Allow: POST\r\n");
    EXPECT_EQ(response.bytes,
              "HTTP/1.1 405 Method Not Allowed\r\n"
              "Content-Type: text/plain; charset=utf-8\r\n"
              "Content-Length: 31\r\n"
              "Cache-Control: no-store\r\n"
              "Connection: keep-alive\r\n"
              "Allow: POST\r\n"
              "\r\n"
              "GET is not allowed on /publish\n");
    EXPECT_EQ(response.status, 405);
    const auto broken = feed::error_response(400, "two\r\nlines", false);
    EXPECT_EQ(broken.bytes.substr(broken.head_size), "two  lines\n");
}

TEST(FeedResponseTest, NamesTheStatusesTheFeedUses) {
    for (const auto& [status, phrase] : std::vector<std::pair<int, std::string>>{{408, "Request Timeout"},
                                                                                 {411, "Length Required"},
                                                                                 {413, "Content Too Large"},
                                                                                 {501, "Not Implemented"},
                                                                                 {503, "Service Unavailable"},
                                                                                 {404, "Not Found"}}) {
        const auto response = feed::error_response(status, "x", false);
        EXPECT_TRUE(response.bytes.starts_with("HTTP/1.1 " + std::to_string(status) + " " + phrase + "\r\n"))
            << response.bytes;
    }
}

TEST(FeedResponseTest, OpensAnEventStreamWithoutContentLength) {
    const auto response = feed::sse_response_head();
    EXPECT_EQ(response.bytes,
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: text/event-stream\r\n"
              "Cache-Control: no-store\r\n"
              "Connection: close\r\n"
              "\r\n");
    EXPECT_EQ(response.head_size, response.bytes.size());
    EXPECT_EQ(response.status, 200);
}

TEST(FeedResponseTest, WritesHundredContinue) {
    EXPECT_EQ(feed::continue_response(), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(FeedResponseTest, EveryAnswerParsesBackAsAResponse) {
    for (const auto& response :
         {feed::http_response(200, "text/plain", "", true),
          feed::error_response(413, "body larger than 4096 bytes", false), feed::sse_response_head()}) {
        ws::HttpParser parser(ws::HttpParser::Kind::response);
        std::string_view in = response.bytes;
        ASSERT_EQ(parser.push(in), ws::HttpParser::Result::complete) << response.bytes;
        EXPECT_EQ(parser.head().status, response.status);
        EXPECT_EQ(in.size(), response.bytes.size() - response.head_size);
    }
}

}  // namespace
