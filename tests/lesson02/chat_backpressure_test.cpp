// The slow-consumer policy over real sockets (lessons/02-tcp-chat/outbox.hpp): a client that
// reads gets every line of a burst, one that does not is closed by the timed rules or the hard
// bound, and what a client that never reads can pin in the server's memory is bounded.

#include "tests/lesson02/chat_peer.hpp"
#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/types.h>
#include <fstream>
#include <optional>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::start_server;
using lesson02::ChatServerConfig;
using lesson02::testing::ChatPeer;
using lesson02::testing::checked_thread;
using lesson02::testing::ServerThread;

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool sanitized = true;  // shadow memory and quarantines make RSS meaningless
#else
constexpr bool sanitized = false;
#endif

// Line i of a burst: 1000 bytes with the newline, numbered so that order is checked.
std::string burst_line(int i) {
    std::string number = std::to_string(i);
    return number + " " + std::string(998 - number.size(), 'x');
}

std::string burst(int lines) {
    std::string bytes;
    bytes.reserve(static_cast<std::size_t>(lines) * 1000);
    for (int i = 0; i < lines; ++i) bytes += burst_line(i) + "\n";
    return bytes;
}

// A field of /proc/PID/status in kB (VmRSS, VmHWM).
long proc_status_kb(pid_t pid, const std::string& field) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
    }
    throw std::runtime_error("no " + field + " in /proc/" + std::to_string(pid) + "/status");
}

// The issue: 10,000 lines of 1 KB sent at once disconnected a 02-chat-client that was reading
// into a file, because a 256 KiB byte bound cannot tell a client busy reading a burst from one
// that stopped. With the default policy (32 MiB at once, 1 MiB for 10 s) it gets every line,
// next to a client that never reads.
TEST(ChatBackpressureTest, AReadingClientGetsEveryLineOfTenMegabytesSentAtOnce) {
    constexpr int lines = 10000;
    ServerThread server;  // the default policy
    ChildProcess reader(
        {bin_path("02-chat-client"), "--port", std::to_string(server.port()), "--name", "reader"});
    for (std::optional<std::string> line; (line = reader.read_line(30s)) != "* you are reader";) {
        ASSERT_TRUE(line) << "the reader did not join";
    }
    auto stuck = ChatPeer::join(server.port(), "stuck");  // never reads again
    auto sender = ChatPeer::join(server.port(), "sender");
    for (std::optional<std::string> line; (line = reader.read_line(30s)) != "* sender joined";) {
        ASSERT_TRUE(line) << "no '* sender joined' for the reader";
    }
    const std::string bytes = burst(lines);
    std::thread flood = checked_thread([&] { sender.send(bytes); });  // as fast as TCP takes it
    for (int i = 0; i < lines;) {
        const auto line = reader.read_line(60s);
        ASSERT_TRUE(line) << "the reader's output ended after " << i << " lines";
        if (line->rfind("* ", 0) == 0) continue;  // e.g. stuck leaving, if this machine is slow
        ASSERT_EQ(*line, "sender: " + burst_line(i)) << "line " << i;
        ++i;
    }
    flood.join();
    reader.write_stdin("/quit\n");
    EXPECT_EQ(reader.wait(30s), 0);
}

// A client that pauses: it reads nothing until the whole burst has reached the server, so the
// kernel buffers towards it fill and the server's writes to it come back partial (a write into
// a nearly full socket takes what fits). Then it reads every line, whole and in order: a
// writer that took a partial write for the whole batch would have dropped the rest.
TEST(ChatBackpressureTest, AClientThatPausesGetsEveryLineWholeAfterPartialWrites) {
    constexpr int lines = 16000;  // 16 MB: more than the kernel buffers towards `reader` hold
    ServerThread server;          // the default policy: 16 MB for a second is within it
    auto reader = ChatPeer::join(server.port(), "reader");
    // A small receive buffer (autotuning off) makes the buffers fill early.
    const int small = 64 * 1024;
    ::setsockopt(reader.socket().fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    auto sender = ChatPeer::join(server.port(), "sender");
    reader.skip_until("* sender joined");
    sender.send(burst(lines));  // returns once the server has taken every byte
    for (int i = 0; i < lines; ++i) {
        ASSERT_EQ(reader.chat_line(30s), "sender: " + burst_line(i)) << "line " << i;
    }
}

// Behind a burst, a client that does not read is closed after the soft time, while the one
// that reads gets everything. Whether it is judged over the soft limit for 1 s or stalled for
// 1 s depends on when its queue crossed the limit, before or after its last write.
TEST(ChatBackpressureTest, AClientThatNeverReadsABurstIsClosedAfterTheSoftTime) {
    constexpr int lines = 8000;  // 8 MB: more than the kernel buffers towards `stuck` hold
    const auto server =
        start_server("02-chat-server", {"--queue-soft-limit", "256KiB", "--queue-soft-time", "1"});
    auto stuck = ChatPeer::join(server.port, "stuck");
    auto reader = ChatPeer::join(server.port, "reader");
    auto sender = ChatPeer::join(server.port, "sender");
    reader.skip_until("* sender joined");
    const std::string bytes = burst(lines);
    std::thread flood = checked_thread([&] { sender.send(bytes); });
    const std::string stuck_left = "* stuck left (too slow, disconnected)";
    bool told = false;  // on a slow machine, stuck may be gone before the burst is through
    for (int i = 0; i < lines;) {
        const std::string line = reader.line(60s);
        if (line == stuck_left) {
            told = true;
            continue;
        }
        ASSERT_EQ(line, "sender: " + burst_line(i)) << "line " << i;
        ++i;
    }
    flood.join();
    const std::string left = "stuck left: too slow, disconnected (";
    ASSERT_TRUE(server.process->wait_for_stderr(left, 60s));
    ASSERT_TRUE(server.process->wait_for_stderr(")\n"));
    const std::string log = server.process->stderr_text();
    const std::string why = log.substr(log.find(left) + left.size());
    EXPECT_TRUE(why.rfind("more than 262144 bytes waiting for 1 s)", 0) == 0 ||
                why.rfind("nothing read for 1 s)", 0) == 0)
        << why;
    EXPECT_TRUE(stuck.socket().wait_for_close(60s));
    if (!told) reader.skip_until(stuck_left, 60s);
}

// With bounds too high to matter, a client that stops reading is still closed: no byte
// reaches it for the soft time. Nobody says anything after the burst, so it is the writer's
// own wait for the socket, not a new line, that runs the check.
TEST(ChatBackpressureTest, AClientThatStopsReadingIsClosedAsStalledWhenTheRoomFallsQuiet) {
    constexpr int lines = 8000;
    const auto server = start_server(
        "02-chat-server", {"--max-queue", "64MiB", "--queue-soft-limit", "64MiB", "--queue-soft-time", "1"});
    auto stuck = ChatPeer::join(server.port, "stuck");
    auto sender = ChatPeer::join(server.port, "sender");
    sender.send(burst(lines));
    EXPECT_TRUE(
        server.process->wait_for_stderr("stuck left: too slow, disconnected (nothing read for 1 s)", 60s));
    EXPECT_TRUE(stuck.socket().wait_for_close(60s));
}

// A flood of one-character lines ("stuck" gets "flood: x\n", 9 bytes each) into a client that
// never reads: 9 MB, of which the kernel buffers towards it take about 4. Counted by their
// characters alone, the other 5 MB would stay under an 8 MiB bound while taking some 50 MB of
// server memory; each line also costs its queue slot and allocation (line_overhead), so the
// hard bound is reached after about 94,000 queued lines and memory stays near the bound.
TEST(ChatBackpressureTest, AFloodOfTinyLinesIsBoundedInMemoryNotOnlyInCharacters) {
    constexpr int lines = 1000000;
    const auto server = start_server(
        "02-chat-server", {"--max-queue", "8MiB", "--queue-soft-limit", "8MiB", "--queue-soft-time", "60"});
    auto stuck = ChatPeer::join(server.port, "stuck");
    auto sender = ChatPeer::join(server.port, "flood");
    const long before_kb = proc_status_kb(server.process->pid(), "VmRSS");
    std::string tiny;
    for (int i = 0; i < lines; ++i) tiny += "x\n";
    sender.send(tiny);
    ASSERT_TRUE(server.process->wait_for_stderr(
        "stuck left: too slow, disconnected (more than 8388608 bytes waiting)", 60s));
    sender.send_line("/who");
    sender.skip_until("* here (1): flood", 60s);  // every line has been through the server
    if (sanitized) GTEST_SKIP() << "memory is not measured under sanitizers";
    const long grown_kb = proc_status_kb(server.process->pid(), "VmHWM") - before_kb;
    EXPECT_LT(grown_kb, 24 * 1024) << "the server grew by " << grown_kb << " kB for an 8 MiB bound";
}

}  // namespace
