// 07-feed-server as a student runs it: a process on port 0, talked to over real sockets. Each
// mode delivers a published event; each resumes without losing or repeating one; long polls
// time out with []; one connection carries several requests, pipelined ones answered in order.

#include "feed_http.hpp"

#include "tests/lesson04/ws_peer.hpp"
#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace std::chrono_literals;

namespace {

using course::testing::start_server;
using course::testing::TestSocket;
using namespace lesson07::testing;

class FeedServerTest : public ::testing::Test {
protected:
    // --rate 0: only the tests publish, so every id is known.
    void start(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"--rate", "0"});
        server_ = start_server("07-feed-server", std::move(args));
    }
    std::uint16_t port() const { return server_.port; }
    void publish_numbered(int count) {
        for (int i = 1; i <= count; ++i) publish(port(), "event " + std::to_string(i));
    }
    course::testing::ServerProcess server_;
};

// ---- short polling

TEST_F(FeedServerTest, ShortPollDeliversAPublishedEvent) {
    start();
    EXPECT_EQ(ask(port(), get_request("/events?after=0")).body, "[]");
    EXPECT_EQ(publish(port(), "EURUSD 1.1"), 1u);
    const HttpAnswer answer = ask(port(), get_request("/events?after=0"));
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.header("Content-Type"), "application/json");
    EXPECT_EQ(answer.header("Connection"), "keep-alive");
    EXPECT_EQ(event_ids(answer.body), std::vector<std::uint64_t>{1});
    EXPECT_NE(answer.body.find("\"text\":\"EURUSD 1.1\""), std::string::npos) << answer.body;
    EXPECT_NE(answer.body.find("\"us\":"), std::string::npos) << answer.body;
}

TEST_F(FeedServerTest, ShortPollWithoutAfterGetsTheNewestEventOnly) {
    start();
    publish_numbered(3);
    EXPECT_EQ(event_ids(ask(port(), get_request("/events")).body), std::vector<std::uint64_t>{3});
}

TEST_F(FeedServerTest, ShortPollAfterAnIdGetsTheLaterEventsInOrder) {
    start();
    publish_numbered(5);
    EXPECT_EQ(event_ids(ask(port(), get_request("/events?after=2")).body),
              (std::vector<std::uint64_t>{3, 4, 5}));
    EXPECT_EQ(ask(port(), get_request("/events?after=5")).body, "[]");
}

TEST_F(FeedServerTest, BuiltInTickerPublishesPlausibleEvents) {
    server_ = start_server("07-feed-server", {"--rate", "50"});
    auto socket = TestSocket::connect(port());
    // Long polls on one connection until the ticker has published (bounded: at most 10 tries).
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 10 && ids.empty(); ++i) {
        socket.send_all(get_request("/events?after=0&wait=2"));
        const HttpAnswer answer = read_answer(socket);
        ids = event_ids(answer.body);
        if (!ids.empty()) {
            EXPECT_NE(answer.body.find("USD"), std::string::npos) << answer.body;
        }
    }
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(ids.front(), 1u);
}

// ---- persistent connections

TEST_F(FeedServerTest, KeepAliveCarriesTwoRequestsOnOneConnection) {
    start();
    publish_numbered(1);
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events?after=0"));
    EXPECT_EQ(event_ids(read_answer(socket).body), std::vector<std::uint64_t>{1});
    socket.send_all(publish_request("second"));
    const HttpAnswer second = read_answer(socket);
    EXPECT_EQ(second.status, 202);
    EXPECT_EQ(second.body, "{\"id\":2}");
}

TEST_F(FeedServerTest, PipelinedRequestsAreAnsweredInOrder) {
    start();
    publish_numbered(2);
    auto socket = TestSocket::connect(port());
    // Three requests in one write: each answered whole, in the order asked.
    socket.send_all(get_request("/events?after=1") + get_request("/nowhere") + publish_request("third"));
    const HttpAnswer first = read_answer(socket);
    const HttpAnswer second = read_answer(socket);
    const HttpAnswer third = read_answer(socket);
    EXPECT_EQ(event_ids(first.body), std::vector<std::uint64_t>{2});
    EXPECT_EQ(second.status, 404);
    EXPECT_EQ(third.status, 202);
    EXPECT_EQ(third.body, "{\"id\":3}");
}

TEST_F(FeedServerTest, ConnectionCloseIsAnsweredAndHonoured) {
    start();
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events?after=0", "Connection: close\r\n"));
    const HttpAnswer answer = read_answer(socket);
    EXPECT_EQ(answer.header("Connection"), "close");
    EXPECT_TRUE(socket.wait_for_close(5s));
}

TEST_F(FeedServerTest, Http10WithoutKeepAliveIsClosedAfterTheAnswer) {
    start();
    auto socket = TestSocket::connect(port());
    socket.send_all("GET /events?after=0 HTTP/1.0\r\n\r\n");
    const HttpAnswer answer = read_answer(socket);
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.header("Connection"), "close");
    EXPECT_TRUE(socket.wait_for_close(5s));
}

TEST_F(FeedServerTest, ServesThePageAsHtml) {
    start();
    const HttpAnswer answer = ask(port(), get_request("/"));
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_EQ(answer.header("X-Content-Type-Options"), "nosniff");
    EXPECT_NE(answer.body.find("<!doctype html>"), std::string::npos);
}

// ---- long polling

TEST_F(FeedServerTest, LongPollTimesOutWithAnEmptyArray) {
    start();
    auto socket = TestSocket::connect(port());
    const auto started = std::chrono::steady_clock::now();
    socket.send_all(get_request("/events?after=0&wait=0.3"));
    const HttpAnswer answer = read_answer(socket);
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.body, "[]");
    EXPECT_GE(std::chrono::steady_clock::now() - started, 250ms) << "answered before the wait was over";
    // The connection goes on after the wait.
    socket.send_all(get_request("/events?after=0"));
    EXPECT_EQ(read_answer(socket).body, "[]");
}

TEST_F(FeedServerTest, LongPollWaitIsCappedByMaxWait) {
    start({"--max-wait", "0.3"});
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events?after=0&wait=3600"));
    EXPECT_EQ(read_answer(socket, 5s).body, "[]");
}

TEST_F(FeedServerTest, LongPollIsAnsweredWhenAnEventIsPublished) {
    start();
    publish_numbered(2);
    auto poller = TestSocket::connect(port());
    poller.send_all(get_request("/events?after=2&wait=20"));
    EXPECT_TRUE(poller.silent_for(200ms)) << "nothing after 2 yet: the poll must wait";
    publish(port(), "the awaited one");
    const HttpAnswer answer = read_answer(poller);
    EXPECT_EQ(event_ids(answer.body), std::vector<std::uint64_t>{3});
    EXPECT_NE(answer.body.find("the awaited one"), std::string::npos);
}

TEST_F(FeedServerTest, LongPollWithEventsAlreadyThereIsAnsweredAtOnce) {
    start();
    publish_numbered(3);
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events?after=1&wait=20"));
    EXPECT_EQ(event_ids(read_answer(socket, 2s).body), (std::vector<std::uint64_t>{2, 3}));
}

TEST_F(FeedServerTest, LongPollClientLeavingEndsTheWait) {
    start();
    {
        auto poller = TestSocket::connect(port());
        poller.send_all(get_request("/events?wait=30"));
        EXPECT_TRUE(poller.silent_for(200ms));
    }  // closed while waiting
    // /stats shows no long poll open any more (a bounded poll, not a sleep).
    std::string stats;
    for (int i = 0; i < 50; ++i) {
        stats = ask(port(), get_request("/stats")).body;
        if (stats.find("\"longpoll\":{\"requests\":1,\"responses\":0,\"head_bytes\":0,\"body_bytes\":0,"
                       "\"events\":0,\"open\":0}") != std::string::npos)
            break;
        std::this_thread::sleep_for(20ms);  // ok-sleep: a bounded poll of the counters
    }
    EXPECT_NE(stats.find("\"longpoll\":{\"requests\":1,\"responses\":0,\"head_bytes\":0,\"body_bytes\":0,"
                         "\"events\":0,\"open\":0}"),
              std::string::npos)
        << stats;
}

// ---- Server-Sent Events

TEST_F(FeedServerTest, SseDeliversAPublishedEventWithItsId) {
    start({"--retry", "2.5"});
    SseStream stream(port(), "/sse");
    EXPECT_NE(stream.head().find("Content-Type: text/event-stream"), std::string::npos) << stream.head();
    EXPECT_EQ(stream.head().find("Content-Length"), std::string::npos) << stream.head();
    publish(port(), "line one");
    const feed::SseMessage message = stream.next();
    EXPECT_EQ(message.event, "message");
    EXPECT_EQ(message.id, "1");
    EXPECT_NE(message.data.find("\"text\":\"line one\""), std::string::npos) << message.data;
    ASSERT_TRUE(stream.parser().retry());
    EXPECT_EQ(*stream.parser().retry(), 2500ms);
}

TEST_F(FeedServerTest, SseEventWithLineBreaksInItsTextStaysOneEvent) {
    start();
    SseStream stream(port(), "/sse");
    publish(port(), "first line\nid: 99\n\ndata: injected");
    const feed::SseMessage message = stream.next();
    EXPECT_EQ(message.id, "1");
    EXPECT_NE(message.data.find(R"("text":"first line\nid: 99\n\ndata: injected")"), std::string::npos)
        << message.data;
    publish(port(), "second");
    EXPECT_EQ(stream.next_ids(1), std::vector<std::uint64_t>{2});
}

TEST_F(FeedServerTest, SseResumesWithLastEventIdWithoutLossOrDuplicate) {
    start();
    publish_numbered(5);
    SseStream stream(port(), "/sse", "Last-Event-ID: 2\r\n");
    EXPECT_EQ(stream.next_ids(3), (std::vector<std::uint64_t>{3, 4, 5}));
    publish(port(), "six");
    EXPECT_EQ(stream.next_ids(1), std::vector<std::uint64_t>{6});
}

TEST_F(FeedServerTest, SseResumesWithAfterParameter) {
    start();
    publish_numbered(4);
    SseStream stream(port(), "/sse?after=3");
    publish(port(), "five");
    EXPECT_EQ(stream.next_ids(2), (std::vector<std::uint64_t>{4, 5}));
}

TEST_F(FeedServerTest, SseSendsResetWhenTheResumePointHasLeftTheLog) {
    start({"--log-size", "3"});
    publish_numbered(6);  // the log keeps 4, 5, 6
    SseStream stream(port(), "/sse", "Last-Event-ID: 1\r\n");
    EXPECT_EQ(stream.next().event, "reset");
    EXPECT_EQ(stream.next_ids(3), (std::vector<std::uint64_t>{4, 5, 6}));
}

TEST_F(FeedServerTest, SseResumesAPointBeyondTheRingInBatches) {
    start({"--log-size", "2000"});
    auto socket = TestSocket::connect(port());
    std::string burst;
    for (int i = 1; i <= 1500; ++i) burst += publish_request("e" + std::to_string(i));
    socket.send_all(burst);  // 1,500 pipelined publishes
    for (int i = 1; i <= 1500; ++i) ASSERT_EQ(read_answer(socket).status, 202);
    SseStream stream(port(), "/sse?after=0");
    const std::vector<std::uint64_t> ids = stream.next_ids(1500);
    for (std::size_t i = 0; i < ids.size(); ++i) ASSERT_EQ(ids[i], i + 1) << "at " << i;
}

TEST_F(FeedServerTest, SseSendsHeartbeatComments) {
    start({"--heartbeat", "0.1"});
    SseStream stream(port(), "/sse");
    for (int i = 0; i < 50 && stream.parser().comments() == 0; ++i) stream.pump();
    EXPECT_GT(stream.parser().comments(), 0u);
}

// ---- WebSocket

TEST_F(FeedServerTest, WebSocketDeliversAPublishedEventAsOneTextFrame) {
    start();
    auto peer = lesson04::testing::WsPeer::open(port());
    publish(port(), "over ws");
    const std::string event = peer.next();
    ASSERT_EQ(event.rfind("text:", 0), 0u) << event;
    EXPECT_EQ(event_ids(event), std::vector<std::uint64_t>{1});
    EXPECT_NE(event.find("\"text\":\"over ws\""), std::string::npos) << event;
}

TEST_F(FeedServerTest, WebSocketResumesAfterTheClientsAfterMessage) {
    start();
    publish_numbered(4);
    auto peer = lesson04::testing::WsPeer::open(port());
    peer.send_text("{\"after\":2}");
    EXPECT_EQ(event_ids(peer.next()), std::vector<std::uint64_t>{3});
    EXPECT_EQ(event_ids(peer.next()), std::vector<std::uint64_t>{4});
    publish(port(), "five");
    EXPECT_EQ(event_ids(peer.next()), std::vector<std::uint64_t>{5});
}

TEST_F(FeedServerTest, WebSocketBadMessageIsClosedWithAReason) {
    start();
    auto peer = lesson04::testing::WsPeer::open(port());
    peer.send_text("hello?");
    const std::string close = peer.next();
    EXPECT_EQ(close.rfind("close 1003", 0), 0u) << close;
    EXPECT_TRUE(peer.answer_close_and_expect_tcp_close(1000));
}

TEST_F(FeedServerTest, WebSocketIsPingedAtTheHeartbeat) {
    start({"--heartbeat", "0.1"});
    auto peer = lesson04::testing::WsPeer::open(port());
    EXPECT_EQ(peer.next().rfind("ping", 0), 0u);
}

// ---- the counters

TEST_F(FeedServerTest, StatsCountRequestsBytesAndEventsPerMode) {
    start();
    publish_numbered(2);
    const HttpAnswer poll = ask(port(), get_request("/events?after=0"));
    {
        SseStream stream(port(), "/sse?after=0");
        EXPECT_EQ(stream.next_ids(2), (std::vector<std::uint64_t>{1, 2}));
    }
    const std::string stats = ask(port(), get_request("/stats")).body;
    EXPECT_NE(stats.find("\"last_id\":2,"), std::string::npos) << stats;
    EXPECT_NE(stats.find("\"cpu_us\":"), std::string::npos) << stats;
    const std::string expected_poll =
        "\"poll\":{\"requests\":1,\"responses\":1,\"head_bytes\":" + std::to_string(poll.head.size()) +
        ",\"body_bytes\":" + std::to_string(poll.body.size()) + ",\"events\":2,";
    EXPECT_NE(stats.find(expected_poll), std::string::npos) << stats << "\nexpected " << expected_poll;
    EXPECT_NE(stats.find("\"sse\":{\"requests\":1,\"responses\":1,"), std::string::npos) << stats;
    EXPECT_NE(stats.find("\"events\":2,\"open\":"), std::string::npos) << stats;
}

}  // namespace
