// Lesson 01 servers, tested as a student uses them: started as processes on port 0 and
// talked to over real sockets. Every test runs against all three servers: the plain one, and
// the robust ones on asio and on raw POSIX. The plain server (01-plain-echo-server) has no
// timeouts and leaves signals to their default actions, on purpose: the tests that need those
// skip it, and PlainEchoServerTest (below) asserts what it does instead, as README.md shows.

#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::expect_one_line_failure;
using course::testing::ServerProcess;
using course::testing::start_server;
using course::testing::TestSocket;

constexpr const char* plain_server = "01-plain-echo-server";

class EchoServerTest : public ::testing::TestWithParam<std::string> {
protected:
    ServerProcess start(std::vector<std::string> args = {}) {
        return start_server(GetParam(), std::move(args));
    }
    bool plain() const { return GetParam() == plain_server; }
};

// How a flood of bytes from a client that never reads ends.
enum class Flood {
    stalled,  // nothing more could be sent for the whole stall window: every buffer is full
    closed,   // the server reset or closed the connection
    limit,    // the byte or time bound was reached first (a server that never stalls)
};

// Sends 64 KiB blocks to the server and never reads its echo, until the sends stall for
// `stall` (the server stopped reading: it is blocked writing to us) or the connection ends.
// Bounded: at most 1 GiB and 30 s.
Flood flood_without_reading(TestSocket& client, std::chrono::milliseconds stall) {
    const std::string block(64 * 1024, 'f');
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    constexpr std::size_t max_bytes = std::size_t{1} << 30;
    for (std::size_t sent = 0; sent < max_bytes && std::chrono::steady_clock::now() < deadline;) {
        const ssize_t n = ::send(client.fd(), block.data(), block.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return Flood::closed;  // EPIPE, ECONNRESET
        pollfd p{client.fd(), POLLOUT, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(stall.count()));
        if (ready == 0) return Flood::stalled;
        if (ready > 0 && (p.revents & (POLLERR | POLLHUP))) return Flood::closed;
    }
    return Flood::limit;
}

// Many connects to 127.0.0.1:port started at once, without waiting (non-blocking), so that a
// test can see which handshakes complete while the server is busy. Closes them all at the end.
class PendingConnects {
public:
    PendingConnects(std::uint16_t port, std::size_t count) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (std::size_t i = 0; i < count; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
            fds_.push_back(fd);
            if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0 &&
                errno != EINPROGRESS) {
                throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
            }
        }
    }
    ~PendingConnects() {
        for (const int fd : fds_) ::close(fd);
    }
    PendingConnects(const PendingConnects&) = delete;
    PendingConnects& operator=(const PendingConnects&) = delete;

    // How many handshakes have completed by `timeout` (a connect in progress is not writable).
    std::size_t completed_within(std::chrono::milliseconds timeout) {
        std::vector<bool> done(fds_.size(), false);
        std::size_t completed = 0;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (completed < fds_.size()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) break;
            std::vector<pollfd> waiting;
            std::vector<std::size_t> which;
            for (std::size_t i = 0; i < fds_.size(); ++i) {
                if (!done[i]) {
                    waiting.push_back({fds_[i], POLLOUT, 0});
                    which.push_back(i);
                }
            }
            if (::poll(waiting.data(), waiting.size(), static_cast<int>(left.count())) < 0 && errno != EINTR)
                break;
            for (std::size_t k = 0; k < waiting.size(); ++k) {
                if (waiting[k].revents == 0) continue;
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(waiting[k].fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error != 0)
                    throw std::runtime_error(std::string("connect failed: ") + std::strerror(error));
                done[which[k]] = true;
                ++completed;
            }
        }
        return completed;
    }

    // Sends `byte` on every connection and half-closes it: the server can echo and move on.
    void send_and_finish(char byte) {
        for (const int fd : fds_) {
            ASSERT_EQ(::send(fd, &byte, 1, MSG_NOSIGNAL), 1) << std::strerror(errno);
            ::shutdown(fd, SHUT_WR);
        }
    }

    // How many connections got `byte` back within `timeout` in all.
    std::size_t echoed_within(char byte, std::chrono::milliseconds timeout) {
        std::size_t echoed = 0;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (const int fd : fds_) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            pollfd p{fd, POLLIN, 0};
            if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) != 1) break;
            char got = 0;
            if (::recv(fd, &got, 1, 0) == 1 && got == byte) ++echoed;
        }
        return echoed;
    }

private:
    std::vector<int> fds_;
};

std::string all_byte_values() {
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    return bytes;
}

TEST_P(EchoServerTest, AnnouncesTheRealPort) {
    const auto server = start();
    EXPECT_EQ(server.host, "127.0.0.1");
    EXPECT_NE(server.port, 0);
}

TEST_P(EchoServerTest, EchoesText) {
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    client.send_all("hello, echo\n");
    EXPECT_EQ(client.read_exactly(12), "hello, echo\n");
}

TEST_P(EchoServerTest, EchoesBinaryDataWithNulBytes) {
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    const std::string bytes = all_byte_values();
    client.send_all(bytes);
    EXPECT_EQ(client.read_exactly(bytes.size()), bytes);
}

TEST_P(EchoServerTest, EchoesOneMebibyteExactly) {
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    std::string payload(1 << 20, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 7919) >> 3);
    // Send on another thread while this one reads: sending all 1 MiB before reading any of the
    // echo could fill both sides' buffers and stall (the deadlock 01-echo-client avoids).
    // Both threads end on every path, so a server that dies fails the test instead of aborting it.
    std::string send_error;
    std::thread sender([&] {
        try {
            client.send_all(payload);
        } catch (const std::exception& error) {
            send_error = error.what();
        }
    });
    std::string echo;
    try {
        echo = client.read_exactly(payload.size(), 30s);
    } catch (const std::exception& error) {
        ADD_FAILURE() << error.what();
        ::shutdown(client.fd(), SHUT_RDWR);  // wakes the sender if it waits for room
    }
    sender.join();
    EXPECT_EQ(send_error, "");
    EXPECT_TRUE(echo == payload) << "the echo differs from what was sent";
}

TEST_P(EchoServerTest, ReassemblesNothingAndLosesNothingAcrossSplitWrites) {
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    client.send_all("hel");
    EXPECT_EQ(client.read_exactly(3), "hel");
    client.send_all("lo\nwor");
    client.send_all("ld\n");
    EXPECT_EQ(client.read_exactly(9), "lo\nworld\n");
}

TEST_P(EchoServerTest, ServesSeveralClientsOneAfterAnother) {
    const auto server = start();
    for (int i = 0; i < 5; ++i) {
        auto client = TestSocket::connect(server.port);
        const std::string text = "client " + std::to_string(i) + "\n";
        client.send_all(text);
        EXPECT_EQ(client.read_exactly(text.size()), text);
    }
}

TEST_P(EchoServerTest, SecondClientWaitsUntilTheFirstLeaves) {
    const auto server = start();
    auto first = TestSocket::connect(server.port);
    first.send_all("first\n");
    ASSERT_EQ(first.read_exactly(6), "first\n");
    // The kernel completes the second handshake (listen backlog), but nobody reads it yet.
    auto second = TestSocket::connect(server.port);
    second.send_all("second\n");
    EXPECT_TRUE(second.silent_for(300ms)) << "an iterative server must not serve two clients at once";
    first.shutdown_write();
    EXPECT_TRUE(first.wait_for_close());
    EXPECT_EQ(second.read_exactly(7), "second\n");
}

// The kernel completes handshakes for a listening socket by itself, even while the server is
// busy, and queues them until accept() (the accept queue, its length the backlog given to
// listen()). A full queue drops the newcomer's SYN, and the client retries only after 1 s,
// 3 s, 7 s... With a backlog of 16 only 17 of these 100 would ever complete.
TEST_P(EchoServerTest, ClientsArrivingWhileTheServerIsBusyAllCompleteTheirHandshake) {
    const auto server = start();
    auto busy = TestSocket::connect(server.port);
    busy.send_all("x");
    ASSERT_EQ(busy.read_exactly(1), "x");  // the server is serving `busy` now, and nobody else
    constexpr std::size_t newcomers = 100;
    PendingConnects waiting(server.port, newcomers);
    EXPECT_EQ(waiting.completed_within(5s), newcomers) << "handshakes completed while the server was busy";
    // And they really wait in the server's queue: once `busy` leaves, each is served in turn.
    waiting.send_and_finish('n');
    busy.shutdown_write();
    EXPECT_TRUE(busy.wait_for_close());
    EXPECT_EQ(waiting.echoed_within('n', 20s), newcomers);
}

TEST_P(EchoServerTest, ClientResetInTheMiddleDoesNotHurtTheServer) {
    const auto server = start();
    {
        auto rude = TestSocket::connect(server.port);
        rude.send_all(std::string(200000, 'r'));
        rude.reset();
    }
    auto next = TestSocket::connect(server.port);
    next.send_all("still here?\n");
    EXPECT_EQ(next.read_exactly(12, 10s), "still here?\n");
}

TEST_P(EchoServerTest, ClientThatLeavesWithoutReadingTheEchoDoesNotKillTheServer) {
    const auto server = start();
    {
        auto gone = TestSocket::connect(server.port);
        gone.send_all(std::string(100000, 'g'));
    }  // closed with unread echo pending: the server's next send gets EPIPE/ECONNRESET, not SIGPIPE
    auto next = TestSocket::connect(server.port);
    next.send_all("ping\n");
    EXPECT_EQ(next.read_exactly(5, 10s), "ping\n");
    EXPECT_FALSE(server.process->wait(0ms)) << "server exited";
}

// A client that closed while it waited in the accept queue: its bytes are still there to read,
// but the first echo to reach its closed socket is answered with a reset (RST), and in the
// server's socket, which has had the client's FIN, the reset is recorded as EPIPE. The next
// send must return that error (MSG_NOSIGNAL; asio always sets it), not raise SIGPIPE, whose
// default action kills the server for everyone.
TEST_P(EchoServerTest, ClientThatHungUpBeforeItsTurnDoesNotKillTheServer) {
    const auto server = start();
    auto busy = TestSocket::connect(server.port);
    busy.send_all("x");
    ASSERT_EQ(busy.read_exactly(1), "x");  // the server is serving `busy`, and nobody else
    {
        auto gone = TestSocket::connect(server.port);
        gone.send_all(std::string(20000, 'g'));  // several reads' worth: several sends after the reset
    }  // closed, nothing unread: a FIN, and no one left to read the echo
    busy.shutdown_write();
    ASSERT_TRUE(busy.wait_for_close());  // now the server takes `gone`: recv, send, RST, send...
    auto next = TestSocket::connect(server.port);
    next.send_all("ping\n");
    EXPECT_EQ(next.read_exactly(5, 10s), "ping\n");
    EXPECT_FALSE(server.process->wait(0ms)) << "server exited";
}

// One send() may take fewer bytes than it was given, and a non-blocking one does whenever the
// socket's send buffer is nearly full. Here the client sends without reading until nothing
// more fits anywhere (the server is then stuck writing its echo), then reads everything back:
// the server's sends hit a full buffer again and again, and not one byte may go missing.
TEST_P(EchoServerTest, EchoesEveryByteAfterAClientFilledEveryBuffer) {
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    const auto byte_at = [](std::size_t i) { return static_cast<char>((i * 131) >> 4); };
    std::string block(64 * 1024, '\0');
    std::size_t sent = 0;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    for (bool stalled = false; !stalled && sent < (std::size_t{256} << 20);) {  // at most 256 MiB, 30 s
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the server never stopped reading";
        for (std::size_t i = 0; i < block.size(); ++i) block[i] = byte_at(sent + i);
        const ssize_t n = ::send(client.fd(), block.data(), block.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        ASSERT_TRUE(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
            << std::strerror(errno);
        pollfd p{client.fd(), POLLOUT, 0};
        stalled = ::poll(&p, 1, 500) == 0;  // nothing fits for 0.5 s: every buffer is full
    }
    client.shutdown_write();  // the server echoes what it has, sees the end, and closes
    std::size_t got = 0;
    std::size_t first_difference = std::string::npos;
    for (;;) {
        const std::string piece = client.read_some(10s);
        if (piece.empty()) break;  // closed
        for (std::size_t i = 0; i < piece.size() && first_difference == std::string::npos; ++i) {
            if (piece[i] != byte_at(got + i)) first_difference = got + i;
        }
        got += piece.size();
        ASSERT_LE(got, sent) << "more bytes came back than were sent";
    }
    EXPECT_EQ(got, sent) << "bytes lost on the way back";
    EXPECT_EQ(first_difference, std::string::npos) << "the echo differs from byte " << first_difference;
}

// The same lesson with no luck needed: EchoesEveryByteAfterAClientFilledEveryBuffer gets short
// sends from the kernel only when the timing fills a buffer. Here every send() and sendmsg() the
// server makes takes at most 7 bytes (short_sends.cpp, preloaded into it), so a server that does
// not add up what each one took loses bytes on every run.
TEST_P(EchoServerTest, EchoesEveryByteWhenEachSendTakesOnlyAFewBytes) {
    const char* asan_options = std::getenv("ASAN_OPTIONS");
    // The preloaded library comes first, before AddressSanitizer's runtime, which checks that it
    // is first unless told not to.
    const auto server =
        start_server(GetParam(), {}, 10s,
                     {std::string("LD_PRELOAD=") + COURSE_SHORT_SENDS,
                      "ASAN_OPTIONS=" + (asan_options ? std::string(asan_options) + ":" : std::string()) +
                          "verify_asan_link_order=0"});
    auto client = TestSocket::connect(server.port);
    std::string payload(32 * 1024, '\0');  // fits in the sockets' buffers: no need to read meanwhile
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>((i * 7919) >> 3);
    client.send_all(payload);
    client.shutdown_write();  // the server echoes everything, sees the end, and closes
    std::string echo;
    for (;;) {
        const std::string piece = client.read_some(10s);
        if (piece.empty()) break;  // closed
        echo += piece;
        ASSERT_LE(echo.size(), payload.size()) << "more bytes came back than were sent";
    }
    EXPECT_EQ(echo.size(), payload.size()) << "bytes lost on the way back";
    EXPECT_TRUE(echo == payload.substr(0, echo.size())) << "the echo differs from what was sent";
}

TEST_P(EchoServerTest, IdleClientIsDisconnectedSoOthersGetATurn) {
    if (plain()) GTEST_SKIP() << "no idle timeout: see PlainEchoServerTest.ASilentClientHoldsItUntilItLeaves";
    const auto server = start({"--idle-timeout", "0.2"});
    auto idle = TestSocket::connect(server.port);
    EXPECT_TRUE(idle.wait_for_close(10s));
    EXPECT_TRUE(server.process->wait_for_stderr("idle for 200 ms: disconnecting"));
    auto next = TestSocket::connect(server.port);
    next.send_all("x");
    EXPECT_EQ(next.read_exactly(1), "x");
}

// The limit of one client at a time: the idle timeout drops a client that goes silent, not one
// that sends a byte now and then. This one holds the server for as long as it likes, and the
// next client waits all that time. (Lesson 02 gives every client a thread of its own.)
TEST_P(EchoServerTest, ADrippingClientHoldsTheServerPastTheIdleTimeout) {
    if (plain()) GTEST_SKIP() << "no idle timeout to get past: even a silent client holds it";
    const auto server = start({"--idle-timeout", "1.5"});
    auto dripping = TestSocket::connect(server.port);
    dripping.send_all("d");
    ASSERT_EQ(dripping.read_exactly(1), "d");  // being served
    std::atomic<bool> stop{false};
    std::atomic<bool> drip_failed{false};
    std::thread drip([&] {
        try {
            for (int i = 0; i < 20 && !stop; ++i) {  // bounded: at most 20 bytes, 6 s
                std::this_thread::sleep_for(300ms);  // ok-sleep: a byte every 0.3 s, within the 1.5 s timeout
                dripping.send_all("d");
                dripping.read_exactly(1);
            }
        } catch (const std::exception&) {
            drip_failed = true;  // dropped, or no echo: the expectations below say so
        }
    });
    auto second = TestSocket::connect(server.port);
    second.send_all("second\n");
    const bool waited = second.silent_for(3500ms);  // more than twice the idle timeout
    stop = true;
    drip.join();
    EXPECT_TRUE(waited) << "served while the dripping client was still there";
    EXPECT_FALSE(drip_failed) << "the dripping client was dropped or not echoed";
    dripping.shutdown_write();
    EXPECT_TRUE(dripping.wait_for_close());
    EXPECT_EQ(second.read_exactly(7), "second\n") << "served as soon as the first one left";
}

// A client that sends and never reads fills the server's send buffer and its own receive
// buffer; the server's write then waits for room that never comes. The write's timeout (the
// idle timeout) drops that client, and the next one is served.
TEST_P(EchoServerTest, AClientThatNeverReadsIsDroppedWhenTheWriteTimesOut) {
    if (plain())
        GTEST_SKIP() << "no write timeout: see PlainEchoServerTest.AClientThatNeverReadsStallsItInWrite";
    const auto server = start({"--idle-timeout", "0.5"});
    auto flooder = TestSocket::connect(server.port);
    EXPECT_NE(flood_without_reading(flooder, 3s), Flood::limit) << "the server never stopped reading";
    const char* dropped =
        GetParam() == "01-echo-server" ? "write timed out" : "is not reading: disconnecting";
    EXPECT_TRUE(server.process->wait_for_stderr(dropped, 10s));
    auto next = TestSocket::connect(server.port);
    next.send_all("next\n");
    EXPECT_EQ(next.read_exactly(5, 10s), "next\n");
}

TEST_P(EchoServerTest, LogsConnectAndDisconnectWithThePeerAddress) {
    const auto server = start();
    {
        auto client = TestSocket::connect(server.port);
        client.send_all("abc");
        client.read_exactly(3);
    }
    EXPECT_TRUE(server.process->wait_for_stderr("client 127.0.0.1:"));
    EXPECT_TRUE(server.process->wait_for_stderr("disconnected after 3 bytes"));
}

TEST_P(EchoServerTest, TraceShowsAHexDumpOfEachRead) {
    const auto server = start({"--trace"});
    auto client = TestSocket::connect(server.port);
    client.send_all("hello");
    client.read_exactly(5);
    EXPECT_TRUE(server.process->wait_for_stderr("recv 5 bytes from 127.0.0.1:"));
    EXPECT_TRUE(server.process->wait_for_stderr("68 65 6c 6c 6f"));
    EXPECT_TRUE(server.process->wait_for_stderr("|hello|"));
}

TEST_P(EchoServerTest, WorksOverIpv6) {
    const auto server = start({"--host", "::1"});
    EXPECT_EQ(server.host, "::1");
    auto client = TestSocket::connect(server.port, "::1");
    client.send_all("six\n");
    EXPECT_EQ(client.read_exactly(4), "six\n");
}

TEST_P(EchoServerTest, SigtermWithAClientConnectedExitsCleanly) {
    if (plain()) {
        GTEST_SKIP()
            << "SIGTERM kills it: see PlainEchoServerTest.SigtermKillsItMidReadAndTheKernelClosesItsSockets";
    }
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    client.send_all("x");
    client.read_exactly(1);
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(client.wait_for_close());
}

TEST_P(EchoServerTest, SigintWhileWaitingForClientsExitsCleanly) {
    if (plain())
        GTEST_SKIP() << "Ctrl-C kills it: see PlainEchoServerTest.SigintKillsItWhileItWaitsForAClient";
    const auto server = start();
    server.process->send_signal(SIGINT);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGINT, shutting down"));
}

// SIGHUP: the terminal the server ran in went away (a closed window, a killed tmux pane).
TEST_P(EchoServerTest, SighupWithAClientConnectedExitsCleanly) {
    if (plain()) GTEST_SKIP() << "SIGHUP kills it, as SIGINT and SIGTERM do";
    const auto server = start();
    auto client = TestSocket::connect(server.port);
    client.send_all("x");
    client.read_exactly(1);
    server.process->send_signal(SIGHUP);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGHUP, shutting down"));
    EXPECT_TRUE(client.wait_for_close());
}

TEST_P(EchoServerTest, PortInUseIsOneClearLineAndFailure) {
    const auto first = start();
    ChildProcess second({bin_path(GetParam()), "--port", std::to_string(first.port)});
    expect_one_line_failure(second, "port " + std::to_string(first.port) + " is already in use");
}

TEST_P(EchoServerTest, BadArgumentIsOneLineAndFailure) {
    ChildProcess bad({bin_path(GetParam()), "--port", "99999"});
    expect_one_line_failure(bad, "--port");
}

TEST_P(EchoServerTest, HelpListsTheFlags) {
    ChildProcess help({bin_path(GetParam()), "--help"});
    const auto out = help.read_all_stdout();
    ASSERT_TRUE(out);
    for (const char* flag : {"--host", "--port", "--trace"}) {
        EXPECT_NE(out->find(flag), std::string::npos) << flag;
    }
    // The plain server has no timeout to set: it is the one README.md shows going wrong.
    EXPECT_EQ(out->find("--idle-timeout") != std::string::npos, !plain());
    EXPECT_EQ(help.wait(), 0);
}

INSTANTIATE_TEST_SUITE_P(EveryServer, EchoServerTest,
                         ::testing::Values(plain_server, "01-echo-server", "01-echo-server-posix"),
                         [](const auto& test) {
                             if (test.param == plain_server) return std::string("Plain");
                             return test.param == "01-echo-server" ? std::string("Asio")
                                                                   : std::string("Posix");
                         });

// What the plain server gets wrong, as README.md shows it: the behaviour a student sees, held
// in place so that the README stays true. Each wait is bounded; none is a sleep.
class PlainEchoServerTest : public ::testing::Test {
protected:
    ServerProcess start() { return start_server(plain_server); }
};

// No idle timeout: a client that connects and says nothing is served, and everyone else
// waits, for as long as it stays. Here 2 s; in real life, forever.
TEST_F(PlainEchoServerTest, ASilentClientHoldsItUntilItLeaves) {
    const auto server = start();
    auto silent = TestSocket::connect(server.port);
    ASSERT_TRUE(server.process->wait_for_stderr(" connected"));  // accepted: being served
    auto second = TestSocket::connect(server.port);
    second.send_all("second\n");
    EXPECT_TRUE(second.silent_for(2s)) << "served while the silent client was still there";
    silent.shutdown_write();
    EXPECT_TRUE(silent.wait_for_close());
    EXPECT_TRUE(server.process->wait_for_stderr("disconnected after 0 bytes"));
    EXPECT_EQ(second.read_exactly(7), "second\n") << "served as soon as the silent one left";
}

// No handler: SIGINT's default action ends the process at once, status 128 + 2.
TEST_F(PlainEchoServerTest, SigintKillsItWhileItWaitsForAClient) {
    const auto server = start();
    server.process->send_signal(SIGINT);
    EXPECT_EQ(server.process->wait(), 128 + SIGINT);
    EXPECT_EQ(server.process->stderr_text(), "") << "a killed process says nothing";
}

// Killed mid-read, the server closes nothing itself: the kernel does, for the client it was
// serving (which sees the end of the stream) and for the one waiting in the accept queue
// (which is reset, its message unread).
TEST_F(PlainEchoServerTest, SigtermKillsItMidReadAndTheKernelClosesItsSockets) {
    const auto server = start();
    auto served = TestSocket::connect(server.port);
    served.send_all("x");
    ASSERT_EQ(served.read_exactly(1), "x");  // the server is reading from `served` now
    auto queued = TestSocket::connect(server.port);
    queued.send_all("queued\n");
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 128 + SIGTERM);
    EXPECT_TRUE(served.wait_for_close());
    EXPECT_TRUE(queued.wait_for_close()) << "the queued client was left hanging";
}

// No write timeout: a client that sends and never reads fills every buffer between them, and
// the server sleeps in its write for as long as that client stays. Nobody else is served.
// When the client finally goes (a reset here), the write fails and the server carries on.
TEST_F(PlainEchoServerTest, AClientThatNeverReadsStallsItInWrite) {
    const auto server = start();
    auto flooder = TestSocket::connect(server.port);
    ASSERT_EQ(flood_without_reading(flooder, 1s), Flood::stalled);
    auto second = TestSocket::connect(server.port);
    second.send_all("second\n");
    EXPECT_TRUE(second.silent_for(2s)) << "served while the server should be stuck writing";
    flooder.reset();
    EXPECT_TRUE(server.process->wait_for_stderr("connection error: "));
    EXPECT_EQ(second.read_exactly(7, 10s), "second\n");
    EXPECT_FALSE(server.process->wait(0ms)) << "server exited";
}

}  // namespace
