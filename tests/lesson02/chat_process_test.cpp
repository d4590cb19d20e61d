// The two programs as a student runs them: 02-chat-server and 02-chat-client as processes.

#include "common/fd_wait.hpp"
#include "common/stop_event.hpp"
#include "tests/lesson02/chat_peer.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <asio/ip/tcp.hpp>
#include <asio/write.hpp>

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <unistd.h>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <stdexcept>
#include <string>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::expect_one_line_failure;
using course::testing::ServerProcess;
using course::testing::start_server;
using lesson02::testing::ChatPeer;

std::vector<std::string> client_args(std::uint16_t port, std::vector<std::string> extra = {}) {
    return course::testing::client_argv("02-chat-client", port, std::move(extra));
}

TEST(ChatServerProcessTest, AnnouncesItsPortAndRelaysLines) {
    const auto server = start_server("02-chat-server");
    EXPECT_EQ(server.host, "127.0.0.1");
    auto a = ChatPeer::join(server.port, "a");
    auto b = ChatPeer::join(server.port, "b");
    a.send_line("hello b");
    EXPECT_EQ(b.chat_line(), "a: hello b");
    EXPECT_TRUE(server.process->wait_for_stderr("client #2 joined as b"));
}

// The README's `nc 127.0.0.1 7002`: netcat, which knows nothing of the chat, joins and talks
// (scripts/setup installs netcat-openbsd).
TEST(ChatServerProcessTest, NetcatJoinsAsTheReadmeShows) {
    const auto server = start_server("02-chat-server");
    auto b = ChatPeer::join(server.port, "b");
    ChildProcess nc({"/bin/nc", server.host, std::to_string(server.port)});
    nc.write_stdin("netcat\nhello from nc\n");
    const auto welcome = nc.read_line();
    ASSERT_TRUE(welcome) << "no answer through nc (is netcat-openbsd installed? scripts/setup)\n"
                         << nc.stderr_text();
    EXPECT_EQ(welcome->rfind("* welcome!", 0), 0u) << *welcome;
    EXPECT_EQ(nc.read_line(), "* you are netcat");
    b.skip_until("* netcat joined");
    EXPECT_EQ(b.chat_line(), "netcat: hello from nc");
}

TEST(ChatServerProcessTest, SigtermWithClientsConnectedTellsThemAndExitsZero) {
    const auto server = start_server("02-chat-server");
    auto a = ChatPeer::join(server.port, "a");
    auto b = ChatPeer::join(server.port, "b");
    auto unnamed = ChatPeer::connect(server.port);
    a.skip_until("* b joined");
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
    for (ChatPeer* peer : {&a, &b, &unnamed}) {
        EXPECT_EQ(peer->line(), "* server shutting down");
        EXPECT_TRUE(peer->socket().wait_for_close());
    }
    EXPECT_TRUE(server.process->wait_for_stderr("stopping: closing "));
    EXPECT_TRUE(server.process->wait_for_stderr("server stopped"));
}

TEST(ChatServerProcessTest, SigintWithNoClientsExitsZero) {
    const auto server = start_server("02-chat-server");
    server.process->send_signal(SIGINT);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGINT, shutting down"));
}

TEST(ChatServerProcessTest, SighupWithAClientConnectedTellsItAndExitsZero) {  // the terminal went away
    const auto server = start_server("02-chat-server");
    auto a = ChatPeer::join(server.port, "a");
    server.process->send_signal(SIGHUP);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_EQ(a.line(), "* server shutting down");
    EXPECT_TRUE(a.socket().wait_for_close());
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGHUP, shutting down"));
}

TEST(ChatServerProcessTest, TraceShowsAHexDumpOfEachReadAndSend) {
    const auto server = start_server("02-chat-server", {"--trace"});
    auto a = ChatPeer::join(server.port, "hello");
    EXPECT_TRUE(server.process->wait_for_stderr("recv 6 bytes from #1 127.0.0.1:"));
    EXPECT_TRUE(server.process->wait_for_stderr("68 65 6c 6c 6f 0a"));
    EXPECT_TRUE(server.process->wait_for_stderr("|* you are hello.|"));
}

// Out of file descriptors, accept() fails and the listening socket stays readable: a server
// that retried at once would spin. This one pauses, keeps serving who it has, and accepts
// again as soon as someone leaves.
TEST(ChatServerProcessTest, RunningOutOfDescriptorsKeepsServingAndRecovers) {
#if defined(__SANITIZE_ADDRESS__)
    // UBSan's vptr check (built together with ASan here) probes memory through a pipe(), which
    // fails in a process with no descriptors left, and then reports a false "invalid vptr".
    GTEST_SKIP() << "sanitizer runtimes need descriptors of their own; runs in the plain and TSan builds";
#endif
    const auto server = start_server("02-chat-server");
    const std::string fd_dir = "/proc/" + std::to_string(server.process->pid()) + "/fd";
    const auto open_descriptors = [&] {
        return static_cast<rlim_t>(std::distance(std::filesystem::directory_iterator(fd_dir),
                                                 std::filesystem::directory_iterator{}));
    };
    const rlim_t idle = open_descriptors();
    const rlimit room_for_two{idle + 4, idle + 4};  // a socket and an eventfd each
    ASSERT_EQ(::prlimit(server.process->pid(), RLIMIT_NOFILE, &room_for_two, nullptr), 0)
        << std::strerror(errno);
    auto a = ChatPeer::join(server.port, "a");
    auto b = ChatPeer::join(server.port, "b");
    const rlim_t per_client = (open_descriptors() - idle) / 2;
    {
        // Either accept() fails (EMFILE) or the session's eventfd does; both say so.
        auto third = course::testing::TestSocket::connect(server.port);
        EXPECT_TRUE(server.process->wait_for_stderr("Too many open files"));
    }
    a.send_line("still here");
    EXPECT_EQ(b.chat_line(), "a: still here");
    a.send_line("/quit");
    EXPECT_TRUE(a.socket().wait_for_close());
    // a's descriptors are closed by its threads a moment after its connection ended. Wait for
    // exactly that (bounded), then a new client is served at once.
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (open_descriptors() > idle + per_client) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "a's descriptors were never closed";
        ::usleep(10'000);  // ok-sleep: polling /proc for the server's descriptors, bounded
    }
    auto c = ChatPeer::join(server.port, "c");
    b.skip_until("* c joined");
}

// 02-chat-bench in the middle of a long run: a closed terminal (SIGHUP) ends it cleanly.
TEST(ChatBenchProcessTest, SighupEndsTheBenchmarkCleanly) {
    const auto server = start_server("02-chat-server");
    ChildProcess bench({bin_path("02-chat-bench"), "--port", std::to_string(server.port), "--clients", "5",
                        "--senders", "1", "--lines", "1000000"});
    const auto joined = bench.read_line(10s);
    ASSERT_TRUE(joined);
    EXPECT_NE(joined->find("5 clients joined"), std::string::npos) << *joined;
    bench.send_signal(SIGHUP);
    EXPECT_EQ(bench.wait(10s), 0);
    EXPECT_TRUE(bench.wait_for_stderr("received SIGHUP, shutting down"));
    EXPECT_NE(bench.read_all_stdout(5s).value_or("").find("stopped before the end"), std::string::npos);
}

TEST(ChatServerProcessTest, PortInUseIsOneClearLineAndFailure) {
    const auto first = start_server("02-chat-server");
    ChildProcess second({bin_path("02-chat-server"), "--port", std::to_string(first.port)});
    expect_one_line_failure(second, "port " + std::to_string(first.port) + " is already in use");
}

TEST(ChatServerProcessTest, BadArgumentIsOneLineAndFailure) {
    ChildProcess bad({bin_path("02-chat-server"), "--queue-hard-limit", "lots"});
    expect_one_line_failure(bad, "--queue-hard-limit");
}

// Every duration flag of the lesson's programs is common/cli.hpp's seconds option: the same
// help text, the same short refusal.
TEST(ChatServerProcessTest, DurationFlagsAreSecondsAndRefuseBadValuesInOneShortLine) {
    course::testing::expect_seconds_flag("02-chat-server", "--name-timeout", "60");
    course::testing::expect_seconds_flag("02-chat-server", "--idle-timeout", "3600");
    course::testing::expect_seconds_flag("02-chat-server", "--queue-soft-time", "10");
    course::testing::expect_seconds_flag("02-chat-bench", "--timeout", "120");
}

TEST(ChatServerProcessTest, QueueLimitMustHoldSeveralLongLines) {
    ChildProcess bad({bin_path("02-chat-server"), "--max-line", "65536", "--max-queue", "512KiB"});
    EXPECT_EQ(bad.wait(), 1);
    EXPECT_TRUE(bad.wait_for_stderr(
        "02-chat-server: error: --queue-hard-limit must be at least 16 times --max-line\n"));
}

TEST(ChatServerProcessTest, SoftLimitMustNotBeAboveTheHardLimit) {
    ChildProcess bad({bin_path("02-chat-server"), "--queue-soft-limit", "64MiB"});
    EXPECT_EQ(bad.wait(), 1);
    EXPECT_TRUE(bad.wait_for_stderr(
        "02-chat-server: error: --queue-soft-limit must not be above --queue-hard-limit\n"));
}

class TcpChatClientTest : public ::testing::Test {
protected:
    void SetUp() override { server_ = start_server("02-chat-server"); }
    ServerProcess server_;
};

TEST_F(TcpChatClientTest, JoinsWithANameShowsOthersAndSendsWhatYouType) {
    ChildProcess client(client_args(server_.port, {"--name", "alice"}));
    EXPECT_EQ(client.read_line().value_or("").rfind("* welcome!", 0), 0u);
    EXPECT_EQ(client.read_line(), "* you are alice");
    auto bob = ChatPeer::join(server_.port, "bob");
    EXPECT_EQ(client.read_line(), "* bob joined");
    bob.send_line("hi alice");
    EXPECT_EQ(client.read_line(), "bob: hi alice");
    client.write_stdin("hi bob\n");
    EXPECT_EQ(bob.chat_line(), "alice: hi bob");
}

TEST_F(TcpChatClientTest, TheFirstLineTypedIsTheName) {
    ChildProcess client(client_args(server_.port));
    EXPECT_EQ(client.read_line().value_or("").rfind("* welcome!", 0), 0u);
    client.write_stdin("carol\n/who\n");
    EXPECT_EQ(client.read_line(), "* you are carol");
    EXPECT_EQ(client.read_line(), "* here (1): carol");
}

TEST_F(TcpChatClientTest, QuitPrintsByeAndExitsZero) {
    auto bob = ChatPeer::join(server_.port, "bob");
    ChildProcess client(client_args(server_.port, {"--name", "alice"}));
    bob.skip_until("* alice joined");
    client.write_stdin("/quit\n");
    const auto out = client.read_all_stdout();
    ASSERT_TRUE(out);
    EXPECT_NE(out->find("* bye\n"), std::string::npos) << *out;
    EXPECT_EQ(client.wait(), 0);
    EXPECT_EQ(bob.line(), "* alice left (quit)");
}

TEST_F(TcpChatClientTest, EndOfInputLeavesCleanly) {
    auto bob = ChatPeer::join(server_.port, "bob");
    ChildProcess client(client_args(server_.port, {"--name", "alice"}));
    client.write_stdin("last words\n");
    client.close_stdin();
    EXPECT_EQ(bob.line(), "* alice joined");
    EXPECT_EQ(bob.line(), "alice: last words");
    EXPECT_EQ(bob.line(), "* alice left (quit)");
    EXPECT_EQ(client.wait(), 0);
}

TEST_F(TcpChatClientTest, SigintLeavesCleanly) {
    ChildProcess client(client_args(server_.port, {"--name", "alice"}));
    client.read_line();
    EXPECT_EQ(client.read_line(), "* you are alice");
    client.send_signal(SIGINT);
    EXPECT_EQ(client.wait(), 0);
}

TEST_F(TcpChatClientTest, SighupLeavesCleanly) {  // the terminal went away
    ChildProcess client(client_args(server_.port, {"--name", "alice"}));
    client.read_line();
    EXPECT_EQ(client.read_line(), "* you are alice");
    client.send_signal(SIGHUP);
    EXPECT_EQ(client.wait(), 0);
    EXPECT_TRUE(client.wait_for_stderr("received SIGHUP, shutting down"));
}

TEST_F(TcpChatClientTest, ServerGoingAwaySaysSoAndExitsNonZero) {
    ChildProcess client(client_args(server_.port, {"--name", "alice"}));
    client.read_line();
    EXPECT_EQ(client.read_line(), "* you are alice");
    server_.process->send_signal(SIGTERM);
    EXPECT_EQ(client.read_line(), "* server shutting down");
    EXPECT_EQ(client.wait(), 1);
    EXPECT_TRUE(client.wait_for_stderr("the server closed the connection"));
}

// The client does not trust the server with its terminal: a server (here a bare socket playing
// one) that sends escape sequences has them shown, not obeyed.
TEST(ChatClientSafetyTest, EscapeSequencesFromAServerAreShownNotObeyed) {
    asio::io_context io;
    asio::ip::tcp::acceptor listener(io, {asio::ip::make_address("127.0.0.1"), 0});
    ChildProcess client(client_args(listener.local_endpoint().port(), {"--name", "alice"}));
    course::StopEvent never;
    ASSERT_EQ(course::wait_readable(listener.native_handle(), never, 10s), course::WaitResult::ready);
    asio::ip::tcp::socket server = listener.accept();
    const std::string hostile =
        "* you are alice\nmallory: \x1b[2J\xc2\x9b"
        "31m\x9b\xff gone\n";
    asio::write(server, asio::buffer(hostile));
    EXPECT_EQ(client.read_line(), "* you are alice");
    EXPECT_EQ(client.read_line(), "mallory: \\x1b[2J\\x9b31m\\x9b\\xff gone");
}

TEST(ChatClientErrorTest, NoServerIsOneLineAndFailure) {
    std::uint16_t port;
    {
        const auto server = start_server("02-chat-server");
        port = server.port;
        server.process->send_signal(SIGTERM);
        ASSERT_EQ(server.process->wait(), 0);
    }  // nobody listens on `port` now
    ChildProcess client(client_args(port));
    EXPECT_EQ(client.wait(), 1);
    expect_one_line_failure(client, "(is the server running?)");
}

}  // namespace
