// 06-loadgen against the lesson servers at small scale, as a process: the counts must be exact
// (every echo back, every token delivered once), and failures must be reported, not hidden.
// No test looks at a speed: a loaded machine makes them slow, never wrong.
#include "loadgen_run.hpp"
#include "lossy_chat.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <csignal>

namespace {

using course::testing::ChildProcess;
using course::testing::start_server;
using lesson06::testing::Outcome;
using lesson06::testing::run_loadgen;

std::string url(const char* scheme, const course::testing::ServerProcess& server, const char* path = "") {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(server.port) + path;
}

TEST(LoadgenTest, EchoOverTcpCountsEveryReply) {
    auto server = start_server("01-echo-server");
    // Lesson 01 serves one client at a time: each connection hangs up when done, so the next goes.
    const auto out = run_loadgen({"echo", url("tcp", server), "-c", "3", "-n", "200", "-w", "4", "-s", "64",
                                  "--server-pid", std::to_string(server.process->pid())});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "1");
    EXPECT_EQ(out["received"], "600");
    EXPECT_EQ(out["sent"], "600");
    EXPECT_EQ(out["bad"], "0");
    EXPECT_NE(out["server_cpu_s"], "(absent)");
    EXPECT_NE(out["p99_us"], "(absent)");
}

TEST(LoadgenTest, EchoOverWebSocketWithThreadsCountsEveryReply) {
    auto server = start_server("04-ws-server");
    const auto out = run_loadgen(
        {"echo", url("ws", server, "/ws"), "-c", "6", "-n", "300", "-w", "8", "-s", "200", "-t", "2"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "1");
    EXPECT_EQ(out["received"], "1800");
    EXPECT_EQ(out["bad"], "0");
    EXPECT_EQ(out["threads"], "2");
}

TEST(LoadgenTest, BroadcastOverTcpFindsTokensAfterTheNamePrefix) {
    auto server = start_server("02-chat-server");
    // Lesson 02 relays to everyone but the sender: 20 receivers x 2 senders x 50 messages.
    const auto out =
        run_loadgen({"broadcast", url("tcp", server), "-c", "20", "-k", "2", "-n", "50", "-t", "2"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["expected"], "2000");
    EXPECT_EQ(out["delivered"], "2000");
    EXPECT_EQ(out["missing"], "0");
    EXPECT_EQ(out["duplicates"], "0");
    EXPECT_EQ(out["out_of_order"], "0");
    EXPECT_EQ(out["bad"], "0");
}

TEST(LoadgenTest, BroadcastOverWebSocketFindsTokensInsideJson) {
    auto server = start_server("05-chat-server");
    for (int run = 0; run < 2; ++run) {  // the second run's receivers get the first run's history: ignored
        const auto out = run_loadgen(
            {"broadcast", url("ws", server, "/ws"), "-c", "20", "-k", "2", "-n", "50", "-s", "100"});
        EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
        EXPECT_EQ(out["delivered"], "2000");
        EXPECT_EQ(out["missing"], "0");
        EXPECT_EQ(out["duplicates"], "0");
        EXPECT_EQ(out["out_of_order"], "0");
        EXPECT_EQ(out["bad"], "0");
    }
}

TEST(LoadgenTest, ProbeJoinWorksOnAServerThatAlsoGreets) {
    // --join probe does not rely on the greeting: lesson 05's hello is simply not looked for.
    auto server = start_server("05-chat-server");
    const auto out = run_loadgen(
        {"broadcast", url("ws", server, "/ws"), "-c", "10", "-k", "1", "-n", "20", "--join", "probe"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["delivered"], "200");
    EXPECT_EQ(out["missing"], "0");
    EXPECT_EQ(out["duplicates"], "0");
}

TEST(LoadgenTest, MissingAndDuplicatedDeliveriesAreCountedExactly) {
    // Of 20 chat lines the server drops the 5th, 10th, 15th and 20th and doubles the 7th and 14th.
    lesson06::testing::LossyChat lossy({.drop_every = 5, .duplicate_every = 7});
    const auto out = run_loadgen({"broadcast", "tcp://127.0.0.1:" + std::to_string(lossy.port()), "-c", "3",
                                  "-k", "1", "-n", "20", "--linger", "0.3"});
    EXPECT_EQ(out.exit_code, 1) << out.stdout_text;
    EXPECT_EQ(out["ok"], "0");
    EXPECT_EQ(out["expected"], "60");
    EXPECT_EQ(out["delivered"], "48");
    EXPECT_EQ(out["missing"], "12");
    EXPECT_EQ(out["duplicates"], "6");
    EXPECT_EQ(out["out_of_order"], "0");  // a gap is missing, not disorder
    EXPECT_EQ(out["timed_out"], "0");     // ended by --linger, not by --timeout
}

TEST(LoadgenTest, OutOfOrderDeliveriesAreCountedExactly) {
    // Of 18 chat lines the server holds back the 4th, 8th, 12th and 16th until it has relayed
    // the next one: each of 3 receivers gets all 18, four of them after their successor.
    lesson06::testing::LossyChat lossy({.delay_every = 4});
    const auto out = run_loadgen(
        {"broadcast", "tcp://127.0.0.1:" + std::to_string(lossy.port()), "-c", "3", "-k", "1", "-n", "18"});
    EXPECT_EQ(out.exit_code, 1) << out.stdout_text;
    EXPECT_EQ(out["ok"], "0");
    EXPECT_EQ(out["delivered"], "54");
    EXPECT_EQ(out["missing"], "0");
    EXPECT_EQ(out["duplicates"], "0");
    EXPECT_EQ(out["out_of_order"], "12");
    EXPECT_EQ(out["stage"], "done");  // every token came: the run is complete, just not in order
}

TEST(LoadgenTest, PacedBroadcastDeliversEverything) {
    auto server = start_server("05-chat-server");
    const auto out = run_loadgen(
        {"broadcast", url("ws", server, "/ws"), "-c", "5", "-k", "2", "-n", "10", "--rate", "200"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["delivered"], "100");
    EXPECT_EQ(out["sent"], "20");
}

TEST(LoadgenTest, IdleHoldsConnectionsAndReadsServerMemory) {
    auto server = start_server("05-chat-server");
    const auto out = run_loadgen({"idle", url("ws", server, "/ws"), "-c", "200", "--hold", "0.2", "-t", "2",
                                  "--server-pid", std::to_string(server.process->pid())});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["opened"], "200");
    EXPECT_EQ(out["lost"], "0");
    EXPECT_NE(out["server_bytes_per_conn"], "(absent)");
}

// A port bound but not listening: the kernel refuses connections to it.
struct RefusingPort {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    std::uint16_t port = 0;
    RefusingPort() {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            port = ntohs(addr.sin_port);
        }
    }
    ~RefusingPort() { close(fd); }
};

// Ctrl-C, SIGTERM or a closed terminal (SIGHUP) end a run early: the report of what was
// measured so far, stopped=1, exit code 0.
class LoadgenSignalTest : public ::testing::TestWithParam<int> {};

TEST_P(LoadgenSignalTest, EndsTheRunWithItsReportAndExitsZero) {
    const auto server = start_server("05-chat-server");
    ChildProcess loadgen({course::testing::bin_path("06-loadgen"), "idle", url("ws", server, "/ws"), "-c",
                          "5", "--hold", "120", "--timeout", "150"});
    ASSERT_TRUE(loadgen.wait_for_stderr("opening 5 connections", std::chrono::seconds(10)));
    loadgen.send_signal(GetParam());
    EXPECT_EQ(loadgen.wait(std::chrono::seconds(10)), 0) << loadgen.stderr_text();
    const auto text = loadgen.read_all_stdout(std::chrono::seconds(5));
    ASSERT_TRUE(text);
    EXPECT_NE(text->find("stopped=1"), std::string::npos) << *text;
    EXPECT_NE(text->find("timed_out=0"), std::string::npos) << *text;
    EXPECT_TRUE(loadgen.wait_for_stderr("shutting down"));
}

INSTANTIATE_TEST_SUITE_P(Signals, LoadgenSignalTest, ::testing::Values(SIGINT, SIGTERM, SIGHUP),
                         [](const auto& signal) {
                             return signal.param == SIGINT    ? "Sigint"
                                    : signal.param == SIGTERM ? "Sigterm"
                                                              : "Sighup";
                         });

TEST(LoadgenTest, RefusedConnectionIsReported) {
    RefusingPort refusing;
    ASSERT_NE(refusing.port, 0);
    const auto out = run_loadgen({"echo", "tcp://127.0.0.1:" + std::to_string(refusing.port), "-c", "2"});
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_EQ(out["ok"], "0");
    EXPECT_EQ(out["failed"], "2");
    EXPECT_NE(out["error"].find("refused"), std::string::npos) << out.stdout_text;
}

// Several URLs: connection i goes to URL i % N (receivers first, then senders), as a load
// balancer would spread them over a cluster's nodes. With a live server and a refusing port,
// exactly every other connection fails.
TEST(LoadgenTest, SeveralUrlsShareTheConnectionsInTurn) {
    auto server = start_server("04-ws-server");
    RefusingPort refusing;
    ASSERT_NE(refusing.port, 0);
    const auto out =
        run_loadgen({"echo", url("ws", server, "/ws"),
                     "ws://127.0.0.1:" + std::to_string(refusing.port) + "/ws", "-c", "6", "-t", "2"});
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_EQ(out["failed"], "3") << out.stdout_text;
    EXPECT_EQ(out["opened"], "3") << out.stdout_text;
}

TEST(LoadgenTest, EchoOverTwoServersCountsEveryReply) {
    auto first = start_server("04-ws-server");
    auto second = start_server("04-ws-server");
    const auto out = run_loadgen(
        {"echo", url("ws", first, "/ws"), url("ws", second, "/ws"), "-c", "5", "-n", "100", "-w", "4"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["received"], "500");
    EXPECT_EQ(out["url"].find(url("ws", second, "/ws")) != std::string::npos, true) << out["url"];
}

TEST(LoadgenTest, UrlsOfDifferentSchemesAreRefused) {
    ChildProcess loadgen(
        {course::testing::bin_path("06-loadgen"), "echo", "ws://127.0.0.1:1/ws", "tcp://127.0.0.1:2"});
    course::testing::expect_one_line_failure(loadgen, "same scheme");
}

// A server that accepts (the kernel does, into the backlog) and never answers.
struct SilentServer {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    std::uint16_t port = 0;
    SilentServer() {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 && listen(fd, 16) == 0 &&
            getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
            port = ntohs(addr.sin_port);
        }
    }
    ~SilentServer() { close(fd); }
};

TEST(LoadgenTest, TimeoutIsHonouredAndWhatWasMeasuredIsReported) {
    SilentServer silent;
    ASSERT_NE(silent.port, 0);
    const auto out =
        run_loadgen({"echo", "tcp://127.0.0.1:" + std::to_string(silent.port), "-c", "2", "--timeout", "0.5"},
                    std::chrono::seconds(10));
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_EQ(out["timed_out"], "1");
    EXPECT_EQ(out["opened"], "2");
    EXPECT_EQ(out["received"], "0");
    EXPECT_EQ(out["ok"], "0");
}

TEST(LoadgenTest, WebSocketHandshakeTimeoutIsHonoured) {
    SilentServer silent;  // never answers the upgrade request
    const auto out = run_loadgen(
        {"idle", "ws://127.0.0.1:" + std::to_string(silent.port) + "/ws", "-c", "3", "--timeout", "0.5"},
        std::chrono::seconds(10));
    EXPECT_EQ(out.exit_code, 1);
    EXPECT_EQ(out["timed_out"], "1");
    EXPECT_EQ(out["opened"], "0");
}

TEST(LoadgenTest, JsonIsOneObjectOnOneLine) {
    auto server = start_server("04-ws-server");
    std::vector<std::string> args{
        course::testing::bin_path("06-loadgen"), "echo", url("ws", server, "/ws"), "-n", "10", "--json"};
    ChildProcess loadgen(args);
    const auto line = loadgen.read_line(std::chrono::seconds(30));
    ASSERT_TRUE(line);
    EXPECT_TRUE(line->starts_with("{\"mode\":\"echo\"")) << *line;
    EXPECT_TRUE(line->ends_with("}")) << *line;
    EXPECT_NE(line->find("\"received\":10,"), std::string::npos) << *line;
    EXPECT_EQ(loadgen.read_line(std::chrono::seconds(5)), std::nullopt);
    EXPECT_EQ(loadgen.wait(), 0);
}

TEST(LoadgenTest, TraceShowsTheHandshakeAndEveryFrame) {
    auto server = start_server("04-ws-server");
    ChildProcess loadgen({course::testing::bin_path("06-loadgen"), "echo", url("ws", server, "/ws"), "-n",
                          "1", "-s", "5", "--trace"});
    EXPECT_EQ(loadgen.wait(), 0);
    const std::string trace = loadgen.stderr_text();
    EXPECT_NE(trace.find("|GET /ws HTTP/1.1|"), std::string::npos) << trace;
    EXPECT_NE(trace.find("|HTTP/1.1 101 Swi|"), std::string::npos) << trace;
    EXPECT_NE(trace.find("handshake accepted"), std::string::npos) << trace;
    EXPECT_NE(trace.find("send 11 bytes"), std::string::npos) << trace;         // 2 + 4 (mask) + 5
    EXPECT_NE(trace.find("81 05 61 62 63 64 65"), std::string::npos) << trace;  // the echo, unmasked
}

TEST(LoadgenTest, BadArgumentsGiveOneLineAndNonZeroExit) {
    ChildProcess loadgen({course::testing::bin_path("06-loadgen"), "echo", "http://127.0.0.1:1"});
    course::testing::expect_one_line_failure(loadgen, "tcp://HOST:PORT");
}

// Every duration flag is common/cli.hpp's seconds option: the same help text, the same short
// refusal as every other program of the course.
TEST(LoadgenTest, DurationFlagsAreSecondsAndRefuseBadValuesInOneShortLine) {
    course::testing::expect_seconds_flag("06-loadgen", "--timeout", "30", {"echo"});
    course::testing::expect_seconds_flag("06-loadgen", "--hold", "1", {"idle"});
    course::testing::expect_seconds_flag("06-loadgen", "--linger", "2", {"broadcast"});
}

}  // namespace
