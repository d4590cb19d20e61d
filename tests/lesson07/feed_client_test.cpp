// 07-feed-client and 07-feed-bench as processes, against the real 07-feed-server on port 0 (and
// against scripted servers on a TestListener for what a real one does not do on request). No
// test looks at a speed or a latency's size: a loaded machine makes them slow, never wrong.

#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>
#include <sstream>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::start_server;
using course::testing::TestListener;
using course::testing::TestSocket;

const char* const modes[] = {"poll", "longpoll", "sse", "ws"};

// POST /publish on a connection of its own; the answer's body ({"id":N}).
std::string publish(std::uint16_t port, const std::string& text) {
    auto socket = TestSocket::connect(port);
    socket.send_all("POST /publish HTTP/1.1\r\nHost: test\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(text.size()) + "\r\n\r\n" + text);
    std::string answer;
    for (int reads = 0; reads < 100; ++reads) {  // until the server closes (Connection: close)
        const std::string some = socket.read_some(5s);
        if (some.empty()) break;
        answer += some;
    }
    EXPECT_EQ(answer.rfind("HTTP/1.1 202", 0), 0u) << answer;
    return answer.substr(answer.find("\r\n\r\n") + 4);
}

std::unique_ptr<ChildProcess> start_client(std::uint16_t port, const std::string& mode,
                                           std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{bin_path("07-feed-client"), "--port", std::to_string(port), "--mode", mode};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<ChildProcess>(argv);
}

// The reading a client prints: "#ID  LATENCY ms  TEXT".
const std::regex event_line(R"(#([0-9]+)  (-?[0-9]+\.[0-9]) ms  (.*))");

class FeedClientModeTest : public ::testing::TestWithParam<const char*> {};

TEST_P(FeedClientModeTest, PrintsAPublishedEventWithItsLatencyAndStopsOnSigint) {
    auto server = start_server("07-feed-server", {"--rate", "0"});
    publish(server.port, "before the client: not shown");
    auto client = start_client(server.port, GetParam(), {"--interval", "0.2", "--verbose"});
    ASSERT_TRUE(client->wait_for_stderr(std::string(GetParam()) + ": following the feed at", 10s))
        << client->stderr_text();
    const std::string id = publish(server.port, "EURUSD 1.08423 +0.00012 \x1b[2J");
    const auto line = client->read_line(10s);
    ASSERT_TRUE(line) << client->stderr_text();
    std::smatch m;
    ASSERT_TRUE(std::regex_match(*line, m, event_line)) << *line;
    EXPECT_EQ("{\"id\":" + m[1].str() + "}", id) << "the event published after joining, not the one before";
    EXPECT_EQ(m[3].str(), "EURUSD 1.08423 +0.00012 \\x1b[2J") << "text made safe for a terminal";
    EXPECT_GE(std::stod(m[2].str()), 0.0);

    ASSERT_TRUE(client->wait_until_catching(SIGINT));
    client->send_signal(SIGINT);
    EXPECT_EQ(client->wait(5s), 0) << client->stderr_text();
}

TEST_P(FeedClientModeTest, SigintWhileTheServerDoesNotAnswerExitsZeroAtOnce) {
    TestListener silent;  // accepts (in the kernel's backlog) and never answers
    auto client = start_client(silent.port(), GetParam());
    ASSERT_TRUE(client->wait_until_catching(SIGINT));
    client->send_signal(SIGINT);
    EXPECT_EQ(client->wait(3s), 0) << "not the 10 s timeouts: " << client->stderr_text();
    EXPECT_TRUE(client->wait_for_stderr("received SIGINT, shutting down"));
}

TEST_P(FeedClientModeTest, SigtermAndSighupEndItWithZeroToo) {
    auto server = start_server("07-feed-server", {"--rate", "0"});
    for (const int signal : {SIGTERM, SIGHUP}) {
        auto client = start_client(server.port, GetParam());
        ASSERT_TRUE(client->wait_for_stderr("following the feed at", 10s)) << client->stderr_text();
        ASSERT_TRUE(client->wait_until_catching(signal));
        client->send_signal(signal);
        EXPECT_EQ(client->wait(5s), 0) << client->stderr_text();
    }
}

TEST_P(FeedClientModeTest, CountEndsItAfterThatManyEvents) {
    auto server = start_server("07-feed-server", {"--rate", "50"});  // the built-in ticker
    auto client = start_client(server.port, GetParam(), {"--count", "3", "--interval", "0.1"});
    EXPECT_EQ(client->wait(15s), 0) << client->stderr_text();
    const auto out = client->read_all_stdout(2s);
    ASSERT_TRUE(out);
    EXPECT_EQ(std::count(out->begin(), out->end(), '\n'), 3) << *out;
}

INSTANTIATE_TEST_SUITE_P(EveryMode, FeedClientModeTest, ::testing::ValuesIn(modes),
                         [](const auto& param_info) { return std::string(param_info.param); });

TEST(FeedClientProcessTest, NoServerIsOneLineAndFailure) {
    const auto port = course::testing::unused_tcp_port();
    for (const char* mode : modes) {
        auto client = start_client(port, mode);
        course::testing::expect_one_line_failure(*client, "Connection refused");
    }
}

TEST(FeedClientProcessTest, ASilentServerFailsAfterTheConnectTimeout) {
    TestListener silent;
    auto client = start_client(silent.port(), "ws", {"--connect-timeout", "0.3"});
    EXPECT_EQ(client->wait(5s), 1);
    EXPECT_TRUE(client->wait_for_stderr("no WebSocket connection within 0.3 s")) << client->stderr_text();
}

TEST(FeedClientProcessTest, BadModeIsRefusedInOneLine) {
    ChildProcess client({bin_path("07-feed-client"), "--mode", "carrier-pigeon"});
    course::testing::expect_one_line_failure(client, "--mode");
}

TEST(FeedClientProcessTest, DurationFlagsAreSeconds) {
    course::testing::expect_seconds_flag("07-feed-client", "--interval", "1");
    course::testing::expect_seconds_flag("07-feed-client", "--wait", "25");
    course::testing::expect_seconds_flag("07-feed-client", "--connect-timeout", "10");
    course::testing::expect_seconds_flag("07-feed-bench", "--duration", "10");
}

// The head of a request, read from a scripted server's side (up to the blank line).
std::string read_request_head(TestSocket& socket) {
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
        const std::string some = socket.read_some(5s);
        if (some.empty()) break;
        head += some;
    }
    return head;
}

TEST(FeedClientProcessTest, SseReconnectsAfterTheRetryHintWithLastEventId) {  // WHATWG HTML 9.2
    TestListener server;
    auto client = start_client(server.port(), "sse");
    {
        TestSocket first = server.accept(5s);
        const std::string head = read_request_head(first);
        EXPECT_EQ(head.rfind("GET /sse HTTP/1.1\r\n", 0), 0u) << head;
        EXPECT_EQ(head.find("Last-Event-ID"), std::string::npos) << "live at first";
        first.send_all(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\nretry: 200\n\n"
            "id: 5\ndata: {\"id\":5,\"us\":1,\"text\":\"five\"}\n\n");
        const auto line = client->read_line(5s);
        ASSERT_TRUE(line) << client->stderr_text();
        EXPECT_NE(line->find("#5  "), std::string::npos) << *line;
    }  // closed: the stream ends
    TestSocket second = server.accept(5s);
    const std::string head = read_request_head(second);
    EXPECT_NE(head.find("\r\nLast-Event-ID: 5\r\n"), std::string::npos) << head;
    second.send_all(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n"
        "id: 5\ndata: {\"id\":5,\"us\":1,\"text\":\"five again\"}\n\n"
        "id: 6\ndata: {\"id\":6,\"us\":1,\"text\":\"six\"}\n\n");
    const auto line = client->read_line(5s);
    ASSERT_TRUE(line);
    EXPECT_NE(line->find("#6  "), std::string::npos) << "a duplicate is dropped: " << *line;
    client->send_signal(SIGINT);
    EXPECT_EQ(client->wait(5s), 0);
}

TEST(FeedClientProcessTest, PollAsksAgainOnANewConnectionWhenTheServerClosedTheKeptOne) {
    TestListener server;
    auto client = start_client(server.port(), "poll", {"--interval", "0.1"});
    {
        TestSocket first = server.accept(5s);
        EXPECT_EQ(read_request_head(first).rfind("GET /events HTTP/1.1\r\n", 0), 0u) << "joining: the newest";
        first.send_all(
            "HTTP/1.1 200 OK\r\nContent-Length: 31\r\n\r\n[{\"id\":9,\"us\":1,\"text\":\"nine\"}]");
        EXPECT_EQ(read_request_head(first).rfind("GET /events?after=9 HTTP/1.1\r\n", 0), 0u);
    }  // closed without an answer, as a server's idle timeout would
    TestSocket second = server.accept(5s);
    EXPECT_EQ(read_request_head(second).rfind("GET /events?after=9 HTTP/1.1\r\n", 0), 0u);
    second.send_all("HTTP/1.1 200 OK\r\nContent-Length: 31\r\n\r\n[{\"id\":10,\"us\":1,\"text\":\"ten\"}]");
    const auto line = client->read_line(5s);
    ASSERT_TRUE(line) << client->stderr_text();
    EXPECT_NE(line->find("#10  "), std::string::npos) << *line;
    client->send_signal(SIGTERM);
    EXPECT_EQ(client->wait(5s), 0);
}

TEST(FeedClientProcessTest, AnAnswerThatIsNotTheFeedsIsAnErrorNotACrash) {
    TestListener server;
    auto client = start_client(server.port(), "poll");
    TestSocket socket = server.accept(5s);
    read_request_head(socket);
    socket.send_all("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n[1,2,3]");
    course::testing::expect_one_line_failure(*client, "not an array of events");
}

TEST(FeedBenchTest, ATinyRunPrintsEveryModeAndTheSweepAndWritesTheTsv) {
    auto server = start_server("07-feed-server", {"--rate", "0"});
    const std::string tsv = ::testing::TempDir() + "feed_bench_test.tsv";
    std::remove(tsv.c_str());
    ChildProcess bench({bin_path("07-feed-bench"),
                        "--port",
                        std::to_string(server.port),
                        "-c",
                        "3",
                        "--rate",
                        "20",
                        "--duration",
                        "0.5",
                        "--idle",
                        "0.3",
                        "--wait",
                        "1",
                        "--sweep",
                        "0.1,0.2",
                        "--sweep-clients",
                        "2",
                        "--sweep-duration",
                        "0.3",
                        "--tsv",
                        tsv});
    const auto out = bench.read_all_stdout(60s);
    ASSERT_TRUE(out) << bench.stderr_text();
    EXPECT_EQ(bench.wait(5s), 0) << *out << bench.stderr_text();
    for (const char* row : {"\npoll ", "\nlongpoll ", "\nsse ", "\nws ", "\npoll 0.1 s ", "\npoll 0.2 s "}) {
        EXPECT_NE(out->find(row), std::string::npos) << row << " in\n" << *out;
    }
    EXPECT_NE(out->find("30/30"), std::string::npos) << "3 clients x 10 events, every one\n" << *out;
    std::ifstream file(tsv);
    std::stringstream stream;
    stream << file.rdbuf();
    const std::string text = stream.str();
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7) << text;  // header + 6 rows
    std::remove(tsv.c_str());
}

}  // namespace
