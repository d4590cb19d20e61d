// The client's HTTP response framing (client/response_reader.hpp): Content-Length bodies on a
// kept-alive connection, streams without a length, and the answers it refuses (RFC 9112 6).
// Every input is fed whole, byte by byte, and cut at every position.

#include "client/response_reader.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using lesson07::HttpResponse;
using lesson07::ResponseLimits;
using lesson07::ResponseReader;
using Result = ResponseReader::Result;

struct Outcome {
    std::vector<HttpResponse> responses;
    Result last = Result::incomplete;
    std::string rest;  // bytes left after a stream head or an error
    std::string error;
};

// Pushes `pieces` in order, taking every response; stops at a stream head or an error.
Outcome feed(const std::vector<std::string>& pieces, ResponseLimits limits = {}) {
    ResponseReader reader(limits);
    Outcome out;
    for (std::size_t p = 0; p < pieces.size(); ++p) {
        std::string_view in = pieces[p];
        for (;;) {
            out.last = reader.push(in);
            if (out.last == Result::response) {
                out.responses.push_back(reader.take());
                continue;
            }
            if (out.last == Result::stream) out.responses.push_back(reader.take());
            break;
        }
        if (out.last == Result::stream || out.last == Result::error) {
            out.rest = std::string(in);
            for (std::size_t q = p + 1; q < pieces.size(); ++q) out.rest += pieces[q];
            out.error = reader.error();
            return out;
        }
    }
    return out;
}

std::vector<std::string> bytes_of(const std::string& text) {
    std::vector<std::string> out;
    for (const char c : text) out.emplace_back(1, c);
    return out;
}

const std::string two_answers =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"
    "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n[{\"id\":1}]X";

void expect_two_answers(const Outcome& out) {
    ASSERT_EQ(out.responses.size(), 2u);
    EXPECT_EQ(out.responses[0].head.status, 200);
    EXPECT_EQ(out.responses[0].body, "[]");
    EXPECT_TRUE(out.responses[0].keep_alive);
    EXPECT_EQ(out.responses[1].body, "[{\"id\":1}]X");
    EXPECT_FALSE(out.responses[1].keep_alive);  // Connection: close
    EXPECT_EQ(out.last, Result::incomplete);
}

TEST(FeedClientResponseReaderTest, ReadsAnswersOneAfterAnotherWholeByteByByteAndCutAnywhere) {
    expect_two_answers(feed({two_answers}));
    expect_two_answers(feed(bytes_of(two_answers)));
    for (std::size_t cut = 1; cut < two_answers.size(); ++cut) {
        SCOPED_TRACE("cut at " + std::to_string(cut));
        expect_two_answers(feed({two_answers.substr(0, cut), two_answers.substr(cut)}));
    }
}

TEST(FeedClientResponseReaderTest, LeavesTheBytesAfterAnAnswerInTheInput) {
    ResponseReader reader;
    std::string_view in = "HTTP/1.1 202 Accepted\r\nContent-Length: 8\r\n\r\n{\"id\":7}HTTP/1.1 2";
    EXPECT_EQ(reader.push(in), Result::response);
    EXPECT_EQ(in, "HTTP/1.1 2");
    EXPECT_EQ(reader.push(in), Result::response) << "nothing more is consumed until take()";
    EXPECT_EQ(in, "HTTP/1.1 2");
    EXPECT_EQ(reader.take().body, "{\"id\":7}");
    EXPECT_FALSE(reader.mid_response());
    EXPECT_EQ(reader.push(in), Result::incomplete);
    EXPECT_TRUE(reader.mid_response());
}

TEST(FeedClientResponseReaderTest,
     AnAnswerWithoutLengthIsAStreamAndItsBodyIsLeftToTheCaller) {  // RFC 9112 6.3
    const std::string stream =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 3000\n\nid: 1\n";
    for (const auto& pieces : {std::vector<std::string>{stream}, bytes_of(stream)}) {
        const auto out = feed(pieces);
        ASSERT_EQ(out.last, Result::stream);
        ASSERT_EQ(out.responses.size(), 1u);
        EXPECT_EQ(*out.responses[0].head.find("Content-Type"), "text/event-stream");
        EXPECT_FALSE(out.responses[0].keep_alive) << "its body ends with the connection";
        EXPECT_EQ(out.rest, "retry: 3000\n\nid: 1\n");
    }
}

TEST(FeedClientResponseReaderTest, NoContentAndNotModifiedHaveNoBody) {  // RFC 9112 6.3 rule 1
    const auto out = feed({"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n"});
    ASSERT_EQ(out.responses.size(), 2u);
    EXPECT_EQ(out.responses[0].head.status, 204);
    EXPECT_EQ(out.responses[1].head.status, 304);
}

TEST(FeedClientResponseReaderTest, InterimAnswersAreSkipped) {  // RFC 9110 15.2
    const std::string text =
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok";
    for (const auto& pieces : {std::vector<std::string>{text}, bytes_of(text)}) {
        const auto out = feed(pieces);
        ASSERT_EQ(out.responses.size(), 1u) << out.error;
        EXPECT_EQ(out.responses[0].head.status, 202);
        EXPECT_EQ(out.responses[0].body, "ok");
    }
}

TEST(FeedClientResponseReaderTest, KeepAliveFollowsTheVersionAndTheConnectionHeader) {  // RFC 9112 9.3
    auto keep = [](const std::string& head) {
        const auto out = feed({head + "Content-Length: 0\r\n\r\n"});
        return !out.responses.empty() && out.responses[0].keep_alive;
    };
    EXPECT_TRUE(keep("HTTP/1.1 200 OK\r\n"));
    EXPECT_FALSE(keep("HTTP/1.1 200 OK\r\nConnection: close\r\n"));
    EXPECT_FALSE(keep("HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\n"));
    EXPECT_FALSE(keep("HTTP/1.0 200 OK\r\n"));
    EXPECT_TRUE(keep("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n"));
}

TEST(FeedClientResponseReaderTest, RepeatedIdenticalLengthsAreOneLength) {  // RFC 9110 8.6
    const auto out = feed({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\n[]"});
    ASSERT_EQ(out.responses.size(), 1u) << out.error;
    EXPECT_EQ(out.responses[0].body, "[]");
}

TEST(FeedClientResponseReaderTest, RefusesWhatWouldDesynchroniseTheConnection) {  // RFC 9112 6.1, 6.3
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n", "conflicting Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n", "bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n", "bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "bad Content-Length"},
        {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Transfer-Encoding"},
        {"HTTP/1.1 101 Switching Protocols\r\n\r\n", "unexpected 101"},
        {"HTTP/1.1 200 OK\r\nBad Header\r\n\r\n", "bad response head"},
        {"GET / HTTP/1.1\r\n\r\n", "bad response head"},
    };
    for (const auto& [text, reason] : cases) {
        SCOPED_TRACE(text);
        const auto out = feed({text + "more"});
        EXPECT_EQ(out.last, Result::error);
        EXPECT_NE(out.error.find(reason), std::string::npos) << out.error;
    }
}

TEST(FeedClientResponseReaderTest, ABodyLargerThanTheLimitIsRefusedBeforeItIsRead) {
    ResponseLimits limits;
    limits.max_body = 10;
    const auto ok = feed({"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"}, limits);
    EXPECT_EQ(ok.responses.size(), 1u);
    const auto out = feed({"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n"}, limits);
    EXPECT_EQ(out.last, Result::error);
    EXPECT_NE(out.error.find("larger than the limit of 10"), std::string::npos) << out.error;
}

TEST(FeedClientResponseReaderTest, AHeadLargerThanTheLimitIsRefused) {
    ResponseLimits limits;
    limits.head.max_head_size = 64;
    const auto out = feed({"HTTP/1.1 200 OK\r\nX-Padding: " + std::string(100, 'a') + "\r\n\r\n"}, limits);
    EXPECT_EQ(out.last, Result::error);
}

TEST(FeedClientResponseReaderTest, AfterAnErrorNothingMoreIsConsumed) {
    ResponseReader reader;
    std::string_view in = "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\nHTTP/1.1 200 OK\r\n";
    EXPECT_EQ(reader.push(in), Result::error);
    const std::string_view left = in;
    EXPECT_EQ(reader.push(in), Result::error);
    EXPECT_EQ(in, left);
}

}  // namespace
