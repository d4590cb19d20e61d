// 07-feed-server against bad input and hard conditions: every malformed request gets its one
// clear answer, the connection caps, a slow SSE consumer evicted without hurting the others,
// idle and request timeouts, and shutdown by signal with streams open.

#include "feed_http.hpp"

#include "tests/lesson04/ws_peer.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <csignal>
#include <thread>

using namespace std::chrono_literals;

namespace {

using course::testing::start_server;
using course::testing::TestSocket;
using namespace lesson07::testing;

class FeedServerLimitsTest : public ::testing::Test {
protected:
    void start(std::vector<std::string> args = {}) {
        args.insert(args.begin(), {"--rate", "0"});
        server_ = start_server("07-feed-server", std::move(args));
    }
    std::uint16_t port() const { return server_.port; }
    course::testing::ServerProcess server_;
};

// ---- bad input: one answer each, nothing else breaks

TEST_F(FeedServerLimitsTest, NegativeAfterIs400NamingTheParameter) {
    start();
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events?after=-1"));
    const HttpAnswer answer = read_answer(socket);
    EXPECT_EQ(answer.status, 400);
    EXPECT_NE(answer.body.find("after"), std::string::npos) << answer.body;
    // A bad parameter is not a broken connection: the next request is answered.
    socket.send_all(get_request("/events?after=0"));
    EXPECT_EQ(read_answer(socket).status, 200);
}

TEST_F(FeedServerLimitsTest, MalformedLastEventIdIs400) {
    start();
    const HttpAnswer answer = ask(port(), get_request("/sse", "Last-Event-ID: 1e3\r\n"));
    EXPECT_EQ(answer.status, 400);
    EXPECT_NE(answer.body.find("Last-Event-ID"), std::string::npos) << answer.body;
}

TEST_F(FeedServerLimitsTest, OversizedHeadIs431AndClosed) {
    start();
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events", "X-Padding: " + std::string(9000, 'x') + "\r\n"));
    const HttpAnswer answer = read_answer(socket);
    EXPECT_EQ(answer.status, 431);
    EXPECT_EQ(answer.header("Connection"), "close");
    EXPECT_TRUE(socket.wait_for_close(5s));
}

TEST_F(FeedServerLimitsTest, OversizedBodyIs413) {
    start();
    const HttpAnswer answer = ask(port(), publish_request(std::string(4097, 'a')));
    EXPECT_EQ(answer.status, 413);
    EXPECT_EQ(ask(port(), publish_request(std::string(4096, 'a'))).status, 202) << "4 KiB is allowed";
}

TEST_F(FeedServerLimitsTest, UnknownPathIs404) {
    start();
    EXPECT_EQ(ask(port(), get_request("/nowhere")).status, 404);
}

TEST_F(FeedServerLimitsTest, WrongMethodIs405WithAllow) {
    start();
    const HttpAnswer get_publish = ask(port(), get_request("/publish"));
    EXPECT_EQ(get_publish.status, 405);
    EXPECT_EQ(get_publish.header("Allow"), "POST");
    const HttpAnswer post_events =
        ask(port(), "POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\nx");
    EXPECT_EQ(post_events.status, 405);
    EXPECT_EQ(post_events.header("Allow"), "GET");
}

TEST_F(FeedServerLimitsTest, InvalidUtf8PublishIs400AndNotLogged) {
    start();
    const HttpAnswer answer = ask(port(), publish_request("bad \xC0\x80 text"));
    EXPECT_EQ(answer.status, 400);
    EXPECT_NE(answer.body.find("UTF-8"), std::string::npos) << answer.body;
    EXPECT_EQ(ask(port(), publish_request("")).status, 400) << "an empty event";
    EXPECT_EQ(ask(port(), get_request("/events?after=0")).body, "[]");
}

TEST_F(FeedServerLimitsTest, ChunkedBodyIs501) {
    start();
    const HttpAnswer answer =
        ask(port(),
            "POST /publish HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    EXPECT_EQ(answer.status, 501);
}

TEST_F(FeedServerLimitsTest, WebSocketHandshakeFromAForeignOriginIsRefused) {
    start({"--allowed-origin", "http://localhost:7007"});
    auto socket = TestSocket::connect(port());
    socket.send_all(lesson04::testing::upgrade_request("/ws", "Origin: http://evil.example\r\n"));
    EXPECT_EQ(read_answer(socket).status, 403);
}

// ---- bounds

TEST_F(FeedServerLimitsTest, ConnectionsPastTheMaximumGet503) {
    start({"--max-connections", "2"});
    SseStream first(port(), "/sse");
    SseStream second(port(), "/sse");
    auto third = TestSocket::connect(port());
    const HttpAnswer answer = read_answer(third);
    EXPECT_EQ(answer.status, 503);
    EXPECT_TRUE(third.wait_for_close(5s));
}

TEST_F(FeedServerLimitsTest, SlowSseConsumerIsEvictedWithoutHurtingOthers) {
    start({"--queue-soft-limit", "256KiB", "--queue-soft-time", "1", "--queue-hard-limit", "64MiB"});
    auto slow = TestSocket::connect(port());
    const int small = 4096;  // a fixed, small receive buffer: the kernel cannot take much for it
    ASSERT_EQ(::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small), 0);
    slow.send_all(get_request("/sse"));
    SseStream good(port(), "/sse");
    // 2,000 events of 4 KB (8 MB, twice what the kernel may buffer for a socket: tcp_wmem's
    // 4 MiB) published on one connection, pipelined, while the good client reads (a thread).
    constexpr int count = 2000;
    std::vector<std::uint64_t> ids;
    std::string reader_error;
    std::jthread reader([&] {  // joined even if a read below throws
        try {
            ids = good.next_ids(count);
        } catch (const std::exception& e) {
            reader_error = e.what();
        }
    });
    auto publisher = TestSocket::connect(port());
    std::string burst;
    for (int i = 0; i < count; ++i) burst += publish_request(std::string(4000, 'a' + i % 26));
    publisher.send_all(burst);
    int accepted = 0;
    for (int i = 0; i < count; ++i) accepted += read_answer(publisher).status == 202 ? 1 : 0;
    reader.join();
    EXPECT_EQ(accepted, count);
    // The reader kept up and got every one, in order.
    ASSERT_EQ(reader_error, "");
    ASSERT_EQ(ids.size(), static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) ASSERT_EQ(ids[i], static_cast<std::uint64_t>(i + 1));
    // The one that never reads is ended by the policy, and its connection closed within the close
    // timeout: /stats counts one SSE stream open (a bounded poll). Reading the megabytes the
    // kernel holds for it through a 4 KiB window would take longer than the test.
    EXPECT_TRUE(server_.process->wait_for_stderr("too slow", 5s)) << server_.process->stderr_text();
    std::string sse;
    for (int i = 0; i < 100; ++i) {
        const std::string stats = ask(port(), get_request("/stats")).body;
        const std::size_t at = stats.find("\"sse\":{");
        sse = stats.substr(at, stats.find('}', at) - at);
        if (sse.find("\"open\":1") != std::string::npos) break;
        std::this_thread::sleep_for(100ms);  // ok-sleep: a bounded poll of the counters
    }
    EXPECT_NE(sse.find("\"open\":1"), std::string::npos) << sse;
    // The server goes on.
    EXPECT_EQ(ask(port(), get_request("/events")).status, 200);
}

// ---- timeouts

TEST_F(FeedServerLimitsTest, IdleKeepAliveConnectionIsClosedQuietly) {
    start({"--idle-timeout", "0.3"});
    auto socket = TestSocket::connect(port());
    socket.send_all(get_request("/events"));
    EXPECT_EQ(read_answer(socket).status, 200);
    EXPECT_TRUE(socket.wait_for_close(5s)) << "closed after the idle timeout, without an answer";
}

TEST_F(FeedServerLimitsTest, UnfinishedRequestGets408) {
    start({"--request-timeout", "0.3"});
    auto socket = TestSocket::connect(port());
    socket.send_all("GET /events HTTP/1.1\r\nHost: x\r\n");  // no blank line: never complete
    const HttpAnswer answer = read_answer(socket);
    EXPECT_EQ(answer.status, 408);
    EXPECT_TRUE(socket.wait_for_close(5s));
}

// ---- shutdown

class FeedServerShutdownTest : public ::testing::TestWithParam<int> {};

TEST_P(FeedServerShutdownTest, SignalClosesEveryStreamAndExitsZero) {
    auto server = start_server("07-feed-server", {"--rate", "0"});
    ASSERT_TRUE(server.process->wait_until_catching(GetParam()));
    SseStream stream(server.port, "/sse");
    auto peer = lesson04::testing::WsPeer::open(server.port);
    auto poller = TestSocket::connect(server.port);
    poller.send_all(get_request("/events?wait=30"));
    ASSERT_TRUE(poller.silent_for(100ms));

    server.process->send_signal(GetParam());
    const HttpAnswer answer = read_answer(poller);  // the long poll is answered, and closed
    EXPECT_EQ(answer.body, "[]");
    EXPECT_EQ(answer.header("Connection"), "close");
    EXPECT_TRUE(poller.wait_for_close(5s));
    EXPECT_EQ(peer.next(), "close 1001:server shutting down");
    EXPECT_TRUE(peer.answer_close_and_expect_tcp_close(1001));
    EXPECT_TRUE(stream.socket().wait_for_close(5s));
    EXPECT_EQ(server.process->wait(10s), 0);
}

INSTANTIATE_TEST_SUITE_P(Signals, FeedServerShutdownTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP));

// ---- the command line

TEST(FeedServerCliTest, DurationFlagsReadSeconds) {
    course::testing::expect_seconds_flag("07-feed-server", "--max-wait", "30");
    course::testing::expect_seconds_flag("07-feed-server", "--heartbeat", "15");
    course::testing::expect_seconds_flag("07-feed-server", "--idle-timeout", "60");
}

}  // namespace
