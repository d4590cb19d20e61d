// 04-ws-client as a student runs it: a child process whose stdin and stdout the test drives,
// against 04-ws-server, and against a scripted fake server on a raw socket where the test
// must control the exact bytes (a frame glued to the 101 answer).

#include "ws_test_helpers.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"
#include "tests/support/test_socket.hpp"
#include "ws/handshake.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <stdexcept>

namespace {

using namespace std::literals;
using namespace lesson04::testing;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::start_server;

class WsClientTest : public ::testing::Test {
protected:
    void SetUp() override { server_ = start_server("04-ws-server"); }
    std::string url(std::string_view path = "/ws") const {
        return "ws://127.0.0.1:" + std::to_string(server_.port) + std::string(path);
    }
    std::unique_ptr<ChildProcess> client(std::vector<std::string> args = {}) {
        std::vector<std::string> argv{bin_path("04-ws-client"), url()};
        argv.insert(argv.end(), args.begin(), args.end());
        auto process = std::make_unique<ChildProcess>(argv);
        EXPECT_TRUE(process->wait_for_stderr("connected to ws://")) << process->stderr_text();
        return process;
    }
    course::testing::ServerProcess server_;
};

TEST_F(WsClientTest, SendsEachLineAsTextAndPrintsTheEcho) {
    auto c = client();
    c->write_stdin("hello\nκόσμε\n");
    EXPECT_EQ(c->read_line(), "hello");
    EXPECT_EQ(c->read_line(), "κόσμε");
}

TEST_F(WsClientTest, EndOfInputClosesWith1000AndExitsZero) {
    auto c = client();
    c->write_stdin("bye\n");
    EXPECT_EQ(c->read_line(), "bye");
    c->close_stdin();
    EXPECT_EQ(c->read_line(), "close: 1000");
    EXPECT_EQ(c->wait(), 0);
}

TEST_F(WsClientTest, CommandsForBinaryPingFragmentsAndClose) {
    auto c = client();
    c->write_stdin("/binary abc\n");
    EXPECT_EQ(c->read_line(), "binary 3 bytes: 61 62 63");
    c->write_stdin("/ping are you there\n");
    EXPECT_EQ(c->read_line(), "pong: are you there");
    c->write_stdin("/frag 4 h\xC3\xA9llo w\xC3\xB6rld\n");  // fragments cut inside UTF-8 sequences
    EXPECT_EQ(c->read_line(), "h\xC3\xA9llo w\xC3\xB6rld");
    c->write_stdin("//slash\n");
    EXPECT_EQ(c->read_line(), "/slash");
    c->write_stdin("/close 4000 see you\n");
    EXPECT_EQ(c->read_line(), "close: 4000");
    EXPECT_EQ(c->wait(), 0);
}

TEST_F(WsClientTest, BinaryMessagesShowAtMost32BytesInHex) {
    auto c = client();
    c->write_stdin("/binary " + std::string(40, 'A') + "\n");
    std::string expected = "binary 40 bytes:";
    for (int i = 0; i < 32; ++i) expected += " 41";
    EXPECT_EQ(c->read_line(), expected);
}

struct Violation {
    std::string command;
    std::string close_line;
    friend void PrintTo(const Violation& v, std::ostream* os) { *os << v.command; }
};

class WsClientViolationTest : public ::testing::TestWithParam<Violation> {};

TEST_P(WsClientViolationTest, PrintsTheCloseCodeTheServerAnswersWith) {
    const auto server = start_server("04-ws-server");
    ChildProcess c({bin_path("04-ws-client"), "ws://127.0.0.1:" + std::to_string(server.port) + "/ws"});
    c.write_stdin(GetParam().command + "\n");
    const auto line = c.read_line();
    ASSERT_TRUE(line) << c.stderr_text();
    EXPECT_EQ(line->substr(0, GetParam().close_line.size()), GetParam().close_line) << *line;
    EXPECT_EQ(c.wait(), 0) << "the closing handshake still completes";
}

INSTANTIATE_TEST_SUITE_P(Deliberate, WsClientViolationTest,
                         ::testing::Values(Violation{"/unmasked hi", "close: 1002"},
                                           Violation{"/rsv hi", "close: 1002"},
                                           Violation{"/bigping", "close: 1002"},
                                           Violation{"/badclose", "close: 1002"},
                                           Violation{"/badutf8", "close: 1007"},
                                           Violation{"/raw 83 80 00 00 00 00", "close: 1002"}),
                         [](const auto& test) {
                             std::string name;
                             for (const char ch : test.param.command.substr(1)) {
                                 if (std::isalnum(static_cast<unsigned char>(ch))) name += ch;
                             }
                             return name;
                         });

TEST_F(WsClientTest, ChunkOneWritesEverythingByteByByteAndStillWorks) {
    auto c = client({"--chunk", "1"});
    c->write_stdin("tiny pieces\n/ping p\n");
    EXPECT_EQ(c->read_line(), "tiny pieces");
    EXPECT_EQ(c->read_line(), "pong: p");
}

TEST_F(WsClientTest, TraceGoesToStderrAndStdoutStaysClean) {
    auto c = client({"--trace"});
    c->write_stdin("traced\n");
    EXPECT_EQ(c->read_line(), "traced");
    EXPECT_TRUE(c->wait_for_stderr("Sec-WebSocket-Accept is "));
    EXPECT_TRUE(c->wait_for_stderr("frame out: FIN=1 RSV=000 opcode=0x1 (text) MASK=1 key="));
    EXPECT_TRUE(c->wait_for_stderr("payload masked (as on the wire)"));
    EXPECT_TRUE(c->wait_for_stderr("frame in:  FIN=1 RSV=000 opcode=0x1 (text) MASK=0 length=6 (7-bit)"));
}

TEST_F(WsClientTest, ServerShutdownIsPrintedAsClose1001) {
    auto c = client();
    c->write_stdin("x\n");
    ASSERT_EQ(c->read_line(), "x");
    server_.process->send_signal(SIGTERM);
    EXPECT_EQ(c->read_line(), "close: 1001 server shutting down");
    EXPECT_EQ(c->wait(), 0);
    EXPECT_EQ(server_.process->wait(), 0);
}

TEST_F(WsClientTest, SighupClosesWith1001AndExitsZero) {  // the terminal went away
    auto c = client();
    c->write_stdin("x\n");
    ASSERT_EQ(c->read_line(), "x");
    c->send_signal(SIGHUP);
    EXPECT_EQ(c->read_line(), "close: 1001") << "the server's answer to our close";
    EXPECT_EQ(c->wait(), 0);
    EXPECT_TRUE(c->wait_for_stderr("received SIGHUP, shutting down"));
}

TEST_F(WsClientTest, RejectedHandshakeIsOneLineWithTheStatusAndFailure) {
    ChildProcess c({bin_path("04-ws-client"), url("/nope")});
    const auto code = c.wait();
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
    EXPECT_TRUE(c.wait_for_stderr("handshake rejected: HTTP 404 Not Found")) << c.stderr_text();
    EXPECT_EQ(c.read_all_stdout(), "");
}

TEST(WsClientProcessTest, RefusedConnectionIsOneLineAndFailure) {
    const auto port = course::testing::unused_tcp_port();
    ChildProcess c({bin_path("04-ws-client"), "ws://127.0.0.1:" + std::to_string(port) + "/ws"});
    course::testing::expect_one_line_failure(c, "cannot connect");
}

TEST(WsClientProcessTest, HostNamesResolve) {  // --host localhost once failed with "Invalid argument"
    const auto server = start_server("04-ws-server");
    ChildProcess c({bin_path("04-ws-client"), "--host", "localhost", "--port", std::to_string(server.port)});
    c.write_stdin("over localhost\n");
    EXPECT_EQ(c.read_line(), "over localhost") << c.stderr_text();
    c.close_stdin();
    EXPECT_EQ(c.wait(), 0);
}

TEST(WsClientProcessTest, CtrlCWhileTheServerHasNotAnsweredExitsZeroAtOnce) {
    course::testing::TestListener silent;  // accepts (in the kernel's backlog) and never answers
    ChildProcess c({bin_path("04-ws-client"), "--verbose", "--port", std::to_string(silent.port())});
    ASSERT_TRUE(c.wait_for_stderr("connected to 127.0.0.1:")) << c.stderr_text();
    ASSERT_TRUE(c.wait_until_catching(SIGINT));
    c.send_signal(SIGINT);
    EXPECT_EQ(c.wait(2s), 0) << "Ctrl-C ends the handshake wait, not the 10 s timeout" << c.stderr_text();
    EXPECT_TRUE(c.wait_for_stderr("received SIGINT, shutting down"));
}

TEST(WsClientProcessTest, ASilentServerFailsAfterTheConnectTimeout) {
    course::testing::TestListener silent;
    ChildProcess c(
        {bin_path("04-ws-client"), "--connect-timeout", "0.3", "--port", std::to_string(silent.port())});
    EXPECT_EQ(c.wait(5s), 1);
    EXPECT_TRUE(c.wait_for_stderr("no WebSocket connection within 0.3 s (waiting for the server's answer)"))
        << c.stderr_text();
    EXPECT_EQ(c.read_all_stdout(), "");
}

TEST(WsClientProcessTest, BadUrlIsOneLineAndFailure) {
    ChildProcess c({bin_path("04-ws-client"), "wss://example.com/"});
    course::testing::expect_one_line_failure(c, "TLS");
}

// Every duration flag of the lesson's programs is common/cli.hpp's seconds option: the same
// help text, the same short refusal (04-ws-server --idle-timeout -1 once printed a 300-digit range).
TEST(WsClientProcessTest, DurationFlagsOfEveryLessonProgramAreSecondsAndRefuseBadValuesInOneShortLine) {
    course::testing::expect_seconds_flag("04-ws-server", "--handshake-timeout", "10");
    course::testing::expect_seconds_flag("04-ws-server", "--idle-timeout", "300");
    course::testing::expect_seconds_flag("04-ws-server", "--write-timeout", "30");
    course::testing::expect_seconds_flag("04-ws-client", "--connect-timeout", "10");
    course::testing::expect_seconds_flag("04-ws-client", "--timeout", "10");
    course::testing::expect_seconds_flag("04-ws-bench", "--seconds", "2");
}

// ---- against a fake server, byte by byte

using course::testing::TestListener;
using course::testing::TestSocket;

// The client's request head, up to and including the blank line (the client sends nothing
// more before our answer).
std::string read_request_head(TestSocket& server_side) {
    std::string head;
    while (head.find("\r\n\r\n") == std::string::npos) {
        const std::string bytes = server_side.read_some();
        if (bytes.empty()) throw std::runtime_error("the client closed before the end of its request");
        head += bytes;
    }
    return head;
}

// The next bytes from the client; the client closing first is a failure.
std::string next_bytes(TestSocket& server_side) {
    std::string bytes = server_side.read_some();
    if (bytes.empty()) throw std::runtime_error("the client closed the connection");
    return bytes;
}

std::string accept_for(const std::string& request) {
    const std::size_t at = request.find("Sec-WebSocket-Key: ") + 19;
    return ws::compute_accept(request.substr(at, request.find("\r\n", at) - at));
}

TEST(WsClientFakeServerTest, AFrameGluedToThe101AnswerIsNotLost) {
    TestListener listener;  // plays the server, byte by byte
    ChildProcess c({bin_path("04-ws-client"), "ws://127.0.0.1:" + std::to_string(listener.port()) + "/chat"});
    TestSocket fake = listener.accept();
    const std::string request = read_request_head(fake);
    EXPECT_EQ(request.substr(0, 20), "GET /chat HTTP/1.1\r\n");
    EXPECT_NE(request.find("Sec-WebSocket-Version: 13\r\n"), std::string::npos);
    // The 101 answer and two frames in one write: the client must read past the blank line.
    fake.send_all(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        accept_for(request) + "\r\n\r\n" + "\x81\x05Hello\x89\x02hi"s);
    EXPECT_EQ(c.read_line(), "Hello");
    // The ping is answered with a masked pong carrying "hi".
    ws::Connection server_side(ws::Role::server);
    std::string_view in;
    std::string bytes;
    ws::Event event;
    while (!event) {
        bytes = next_bytes(fake);
        in = bytes;
        event = server_side.receive(in);
    }
    EXPECT_EQ(describe(event), "pong:hi");
    // Server-initiated close: the client answers and waits for us to close TCP.
    fake.send_all("\x88\x02\x03\xe8"s);
    EXPECT_EQ(c.read_line(), "close: 1000");
    for (;;) {
        while (!in.empty()) {
            if (const ws::Event next = server_side.receive(in)) {
                EXPECT_EQ(describe(next), "close 1000:");
                fake.shutdown_write();  // the server closes TCP first (RFC 6455 7.1.1)
                EXPECT_EQ(c.wait(), 0);
                return;
            }
        }
        bytes = next_bytes(fake);
        in = bytes;
    }
}

TEST(WsClientFakeServerTest, AWrongAcceptIsRefused) {
    TestListener listener;
    ChildProcess c({bin_path("04-ws-client"), "ws://127.0.0.1:" + std::to_string(listener.port()) + "/"});
    TestSocket fake = listener.accept();
    read_request_head(fake);
    fake.send_all(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    const auto code = c.wait();
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
    EXPECT_TRUE(c.wait_for_stderr("wrong or missing Sec-WebSocket-Accept")) << c.stderr_text();
}

TEST(WsClientFakeServerTest, AHeadSplitOverManyWritesIsReassembled) {
    TestListener listener;
    ChildProcess c({bin_path("04-ws-client"), "ws://127.0.0.1:" + std::to_string(listener.port()) + "/"});
    TestSocket fake = listener.accept();
    const std::string request = read_request_head(fake);
    const std::string answer =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " +
        accept_for(request) + "\r\n\r\n\x81\x02ok"s;
    for (const char ch : answer) fake.send_all(std::string_view(&ch, 1));
    EXPECT_EQ(c.read_line(), "ok");
}

}  // namespace
