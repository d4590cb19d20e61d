// HTTP/1.1 request framing on a persistent connection: pipelining, bodies, limits, the errors
// of RFC 9112 6 and 9110 8.6, Expect: 100-continue, and keep-alive by version.

#include "feed/request_reader.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using feed::RequestReader;
using Result = RequestReader::Result;

// Everything a reader gives for `bytes` pushed in pieces of `piece` bytes (answering each
// 100-continue as a server would), stopping at an error.
struct Outcome {
    std::vector<feed::Request> requests;
    int continues = 0;
    int error_status = 0;
    std::string error_reason;
};

Outcome read_all(std::string_view bytes, std::size_t piece, feed::RequestLimits limits = {}) {
    RequestReader reader(limits);
    Outcome outcome;
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
        std::string_view in = bytes.substr(at, piece);
        for (;;) {
            const Result result = reader.push(in);
            if (result == Result::incomplete) break;
            if (result == Result::continue_100) ++outcome.continues;
            if (result == Result::request) outcome.requests.push_back(reader.take());
            if (result == Result::error) {
                outcome.error_status = reader.error_status();
                outcome.error_reason = reader.error_reason();
                return outcome;
            }
        }
        EXPECT_TRUE(in.empty());
    }
    return outcome;
}

Outcome read_all(std::string_view bytes, feed::RequestLimits limits = {}) {
    return read_all(bytes, bytes.empty() ? 1 : bytes.size(), limits);
}

const std::string get_events = "GET /events?after=3 HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string post_hello = "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";

TEST(FeedRequestReaderTest, ReadsAGetWithoutBody) {
    RequestReader reader;
    std::string_view in = get_events;
    EXPECT_FALSE(reader.mid_request());
    ASSERT_EQ(reader.push(in), Result::request);
    EXPECT_TRUE(in.empty());
    const feed::Request request = reader.take();
    EXPECT_EQ(request.head.method, "GET");
    EXPECT_EQ(request.head.target, "/events?after=3");
    EXPECT_EQ(request.body, "");
    EXPECT_TRUE(request.keep_alive);
    EXPECT_FALSE(reader.mid_request());
}

TEST(FeedRequestReaderTest, ReadsExactlyContentLengthBytesOfBody) {
    RequestReader reader;
    const std::string bytes = post_hello + "GET";
    std::string_view in = bytes;
    ASSERT_EQ(reader.push(in), Result::request);
    EXPECT_EQ(in, "GET");  // the next request's first bytes stay in the input
    EXPECT_EQ(reader.take().body, "hello");
    EXPECT_EQ(reader.push(in), Result::incomplete);
    EXPECT_TRUE(in.empty());
    EXPECT_TRUE(reader.mid_request());
}

TEST(FeedRequestReaderTest, TakesPipelinedRequestsFromOnePush) {
    const std::string bytes =
        get_events + post_hello + get_events + "POST /publish HTTP/1.1\r\nContent-Length: 0\r\n\r\n";
    const Outcome outcome = read_all(bytes);
    ASSERT_EQ(outcome.requests.size(), 4u);
    EXPECT_EQ(outcome.requests[0].head.target, "/events?after=3");
    EXPECT_EQ(outcome.requests[1].body, "hello");
    EXPECT_EQ(outcome.requests[2].head.method, "GET");
    EXPECT_EQ(outcome.requests[3].body, "");
    EXPECT_EQ(outcome.error_status, 0);
}

TEST(FeedRequestReaderTest, GivesTheSameRequestsWhateverThePieces) {
    const std::string bytes = post_hello + get_events + post_hello;
    for (std::size_t piece = 1; piece <= bytes.size(); ++piece) {
        const Outcome outcome = read_all(bytes, piece);
        ASSERT_EQ(outcome.requests.size(), 3u) << "pieces of " << piece;
        EXPECT_EQ(outcome.requests[0].body, "hello") << "pieces of " << piece;
        EXPECT_EQ(outcome.requests[1].head.target, "/events?after=3") << "pieces of " << piece;
        EXPECT_EQ(outcome.requests[2].body, "hello") << "pieces of " << piece;
    }
}

TEST(FeedRequestReaderTest, ReportsIncompleteAtEveryByteOfASplitRequest) {
    RequestReader reader;
    for (std::size_t i = 0; i < post_hello.size(); ++i) {
        std::string_view in = std::string_view(post_hello).substr(i, 1);
        const Result result = reader.push(in);
        EXPECT_TRUE(in.empty()) << "byte " << i;
        ASSERT_EQ(result, i + 1 == post_hello.size() ? Result::request : Result::incomplete) << "byte " << i;
        EXPECT_TRUE(reader.mid_request() || result == Result::request) << "byte " << i;
    }
    EXPECT_EQ(reader.take().body, "hello");
}

TEST(FeedRequestReaderTest, AnIdleConnectionIsNotMidRequest) {
    RequestReader reader;
    std::string_view empty;
    EXPECT_EQ(reader.push(empty), Result::incomplete);
    EXPECT_FALSE(reader.mid_request());
    std::string_view one = "G";
    EXPECT_EQ(reader.push(one), Result::incomplete);
    EXPECT_TRUE(reader.mid_request());  // the server answers 408 when it times out now
}

TEST(FeedRequestReaderTest, IsMidRequestWhileTheBodyIsComing) {
    RequestReader reader;
    std::string_view in = std::string_view(post_hello).substr(0, post_hello.size() - 2);
    EXPECT_EQ(reader.push(in), Result::incomplete);
    EXPECT_TRUE(reader.mid_request());
}

TEST(FeedRequestReaderTest, RefusesABodyOverTheLimitBeforeReadingIt) {
    feed::RequestLimits limits;
    limits.max_body = 4;
    RequestReader reader(limits);
    const std::string head = "POST /publish HTTP/1.1\r\nContent-Length: 5\r\n\r\n";
    std::string_view in = head;  // the head alone: the body has not been sent
    EXPECT_EQ(reader.push(in), Result::error);
    EXPECT_EQ(reader.error_status(), 413);
    EXPECT_EQ(reader.error_reason(), "body larger than 4 bytes");
    std::string_view more = "hello";
    EXPECT_EQ(reader.push(more), Result::error);
    EXPECT_EQ(more, "hello");  // nothing more consumed after an error
    // At the limit is fine.
    EXPECT_EQ(read_all("POST /publish HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", limits).requests.at(0).body,
              "abcd");
}

TEST(FeedRequestReaderTest, RefusesTransferEncodingWith501) {  // RFC 9112 6.1
    const Outcome outcome =
        read_all("POST /publish HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_TRUE(outcome.requests.empty());
    EXPECT_EQ(outcome.error_status, 501);
}

TEST(FeedRequestReaderTest, RefusesTransferEncodingWithContentLengthAs400) {  // request smuggling
    const Outcome outcome =
        read_all("POST /publish HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello");
    EXPECT_EQ(outcome.error_status, 400);
    EXPECT_EQ(outcome.error_reason, "both Transfer-Encoding and Content-Length");
}

TEST(FeedRequestReaderTest, RefusesMalformedContentLength) {
    for (const char* value : {"abc", "-1", "+5", "5 5", "0x5", "5.0", "", "5,", "1e3"}) {
        const std::string bytes =
            "POST /publish HTTP/1.1\r\nContent-Length: " + std::string(value) + "\r\n\r\nhello";
        const Outcome outcome = read_all(bytes);
        if (std::string_view(value) == "5,") {  // an empty list element is dropped: "5"
            EXPECT_EQ(outcome.requests.size(), 1u);
            continue;
        }
        EXPECT_EQ(outcome.error_status, 400) << value;
        EXPECT_EQ(outcome.error_reason, "malformed Content-Length") << value;
    }
}

TEST(FeedRequestReaderTest, AcceptsRepeatedIdenticalContentLengths) {  // RFC 9110 8.6
    for (const char* fields : {"Content-Length: 5\r\nContent-Length: 5\r\n", "Content-Length: 5, 5\r\n",
                               "Content-Length: 5\r\nContent-Length: 005\r\n"}) {
        const Outcome outcome = read_all("POST /publish HTTP/1.1\r\n" + std::string(fields) + "\r\nhello");
        ASSERT_EQ(outcome.requests.size(), 1u) << fields;
        EXPECT_EQ(outcome.requests[0].body, "hello");
    }
}

TEST(FeedRequestReaderTest, RefusesDifferingContentLengths) {
    for (const char* fields : {"Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 5, 6\r\n"}) {
        const Outcome outcome = read_all("POST /publish HTTP/1.1\r\n" + std::string(fields) + "\r\nhello!");
        EXPECT_EQ(outcome.error_status, 400) << fields;
    }
}

TEST(FeedRequestReaderTest, AnEnormousContentLengthIs413) {
    const Outcome outcome =
        read_all("POST /publish HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n");
    EXPECT_EQ(outcome.error_status, 413);
}

TEST(FeedRequestReaderTest, PassesHeadErrorsOn) {
    EXPECT_EQ(read_all("GET /\r\n\r\n").error_status, 400);
    feed::RequestLimits limits;
    limits.head.max_line = 32;
    EXPECT_EQ(read_all("GET /" + std::string(100, 'a') + " HTTP/1.1\r\n\r\n", limits).error_status, 414);
    EXPECT_EQ(read_all("GET / HTTP/1.1\r\nX: " + std::string(100, 'a') + "\r\n\r\n", limits).error_status,
              431);
}

TEST(FeedRequestReaderTest, AsksForHundredContinueOnceBeforeTheBody) {
    RequestReader reader;
    const std::string head = "POST /publish HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
    std::string_view in = head;
    ASSERT_EQ(reader.push(in), Result::continue_100);
    EXPECT_TRUE(in.empty());
    EXPECT_EQ(reader.push(in), Result::incomplete);  // once only
    std::string_view body = "hello";
    ASSERT_EQ(reader.push(body), Result::request);
    EXPECT_EQ(reader.take().body, "hello");
    EXPECT_EQ(read_all(head + "hello", 1).continues, 1);
}

TEST(FeedRequestReaderTest, DoesNotAskForHundredContinueWithoutABodyOrFromHttp10) {
    EXPECT_EQ(
        read_all("POST /publish HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n").continues, 0);
    EXPECT_EQ(
        read_all("POST /publish HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi").continues,
        0);
    feed::RequestLimits limits;
    limits.max_body = 1;  // 413 comes instead, before the client sends the body
    EXPECT_EQ(read_all("POST /publish HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", limits)
                  .error_status,
              413);
}

TEST(FeedRequestReaderTest, KeepsHttp11AliveUnlessClosed) {
    EXPECT_TRUE(read_all("GET / HTTP/1.1\r\n\r\n").requests.at(0).keep_alive);
    EXPECT_FALSE(read_all("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").requests.at(0).keep_alive);
    EXPECT_FALSE(read_all("GET / HTTP/1.1\r\nConnection: Upgrade, CLOSE\r\n\r\n").requests.at(0).keep_alive);
}

TEST(FeedRequestReaderTest, KeepsHttp10AliveOnlyWhenAsked) {
    EXPECT_FALSE(read_all("GET / HTTP/1.0\r\n\r\n").requests.at(0).keep_alive);
    EXPECT_TRUE(read_all("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").requests.at(0).keep_alive);
    EXPECT_FALSE(
        read_all("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n").requests.at(0).keep_alive);
}

TEST(FeedRequestReaderTest, TakeWithoutARequestIsAMistake) {
    RequestReader reader;
    EXPECT_THROW(reader.take(), std::logic_error);
}

TEST(FeedRequestReaderTest, EachRequestGetsTheHeadLimitsAfresh) {
    feed::RequestLimits limits;
    limits.head.max_head_size = 64;
    std::string bytes;
    for (int i = 0; i < 10; ++i) bytes += get_events;  // 10 heads of 40 bytes: 400 in all
    EXPECT_EQ(read_all(bytes, limits).requests.size(), 10u);
}

}  // namespace
