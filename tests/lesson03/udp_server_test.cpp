// 03-udp-server as a process, talked to over real UDP sockets.

#include "lessons/03-udp/fault_plan.hpp"
#include "tests/lesson03/udp_test_socket.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <string>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::expect_one_line_failure;
using course::testing::start_server;
using lesson03::testing::UdpTestSocket;

TEST(UdpServerTest, AnnouncesTheRealPort) {
    const auto server = start_server("03-udp-server");
    EXPECT_EQ(server.host, "127.0.0.1");
    EXPECT_NE(server.port, 0);
}

TEST(UdpServerTest, ReflectsEachDatagramToItsOwnSender) {
    const auto server = start_server("03-udp-server");
    UdpTestSocket alice, bob;
    alice.send_to(server.port, "from alice");
    bob.send_to(server.port, "from bob");
    EXPECT_EQ(bob.receive().data, "from bob");
    EXPECT_EQ(alice.receive().data, "from alice");
    EXPECT_TRUE(alice.silent_for(100ms)) << "alice must not get bob's datagram";  // ok-sleep
}

TEST(UdpServerTest, KeepsMessageBoundaries) {
    // Three sends, back to back, before reading anything: TCP could hand these bytes over as
    // one read of 9 bytes, or several; UDP hands over three datagrams of 3, 5 and 1 bytes.
    const auto server = start_server("03-udp-server");
    UdpTestSocket client;
    client.send_to(server.port, "abc");
    client.send_to(server.port, "defgh");
    client.send_to(server.port, "i");
    for (const std::string expected : {"abc", "defgh", "i"}) {
        const auto datagram = client.receive();
        EXPECT_EQ(datagram.length, expected.size());
        EXPECT_EQ(datagram.data, expected);
    }
}

TEST(UdpServerTest, ALargeDatagramComesBackWholeInOneReceive) {
    const auto server = start_server("03-udp-server");
    UdpTestSocket client;
    std::string payload(65'507, '\0');
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>(i * 131);
    client.send_to(server.port, payload);
    const auto datagram = client.receive();
    EXPECT_EQ(datagram.length, payload.size());
    EXPECT_TRUE(datagram.data == payload);
}

TEST(UdpServerTest, TruncationAtTheServerIsDetectedAndLogged) {
    const auto server =
        start_server("03-udp-server", {"--buffer-size", "100", "--verbose", "--summary-interval", "0.2"});
    UdpTestSocket client;
    client.send_to(server.port, std::string(1000, 'z'));
    const auto datagram = client.receive();
    EXPECT_EQ(datagram.length, 100u) << "the server could only reflect what fit in its buffer";
    EXPECT_TRUE(server.process->wait_for_stderr("datagram of 1000 bytes truncated to the 100-byte buffer"));
    EXPECT_TRUE(
        server.process->wait_for_stderr("datagrams_in=1 bytes_in=1000 datagrams_out=1 bytes_out=100 "
                                        "dropped=0 duplicated=0 delayed=0 truncated=1 "));
}

TEST(UdpServerTest, SurvivesEmptyAndGarbageDatagramsAndKeepsServingOthers) {
    const auto server = start_server("03-udp-server", {"--verbose"});
    UdpTestSocket rude, polite;
    rude.send_to(server.port, "");
    EXPECT_EQ(rude.receive().length, 0u) << "an empty datagram is a datagram: it comes back";
    std::string garbage;
    for (int i = 0; i < 256; ++i) garbage += static_cast<char>(255 - i);
    rude.send_to(server.port, garbage);
    rude.send_to(server.port, "PIN");  // looks like the start of a ping, is not one
    EXPECT_EQ(rude.receive().data, garbage);
    EXPECT_EQ(rude.receive().data, "PIN");
    polite.send_to(server.port, "still there?");
    EXPECT_EQ(polite.receive().data, "still there?");
    EXPECT_FALSE(server.process->wait(0ms)) << "server exited";
    EXPECT_TRUE(server.process->wait_for_stderr("0 bytes (empty) -> reflected"));
}

TEST(UdpServerTest, VerboseLogsPeerAndSizeOfEachDatagram) {
    const auto server = start_server("03-udp-server", {"--verbose"});
    UdpTestSocket client;
    for (const char* text : {"12345", "678", ""}) {
        client.send_to(server.port, text);
        client.receive();
    }
    const std::string peer = "127.0.0.1:" + std::to_string(client.local_port());
    EXPECT_TRUE(server.process->wait_for_stderr("#0 from " + peer + ": 5 bytes -> reflected"));
    EXPECT_TRUE(server.process->wait_for_stderr("#1 from " + peer + ": 3 bytes -> reflected"));
    EXPECT_TRUE(server.process->wait_for_stderr("#2 from " + peer + ": 0 bytes (empty) -> reflected"));
}

// Anybody can send us datagrams, as many as they like: by default the log must not grow with
// them. One summary line (when anything happened, at most every --summary-interval, and once
// more at the end) instead of a line per datagram.
TEST(UdpServerTest, AFloodWritesASummaryNotALinePerDatagram) {
    const auto server = start_server("03-udp-server");
    UdpTestSocket client;
    constexpr int rounds = 100, burst = 100;  // 10,000 datagrams, never more than 100 in flight
    for (int round = 0; round < rounds; ++round) {
        for (int i = 0; i < burst; ++i) client.send_to(server.port, std::string(32, 'f'));
        for (int i = 0; i < burst; ++i) ASSERT_EQ(client.receive().length, 32u);
    }
    server.process->send_signal(SIGTERM);
    ASSERT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(
        server.process->wait_for_stderr("datagrams_in=10000 bytes_in=320000 datagrams_out=10000 "
                                        "bytes_out=320000 dropped=0 duplicated=0 delayed=0 truncated=0 "
                                        "queue_full=0 send_failed=0"));
    const std::string err = server.process->stderr_text();
    EXPECT_LT(err.size(), 2000u) << "stderr grew with the flood: " << err.size() << " bytes";
    EXPECT_EQ(err.find("#9999"), std::string::npos) << "a line per datagram without --verbose";
}

TEST(UdpServerTest, SummaryComesEachIntervalWhileSomethingHappensAndCountsTheFaults) {
    // --drop-rate 0.5 --duplicate-rate 0.5 --delay-ms 1 --seed 1: what the summary must count
    // for the first 20 datagrams is worked out from the FaultPlan first.
    const lesson03::FaultPlan plan({.drop_rate = 0.5, .duplicate_rate = 0.5, .delay_ms = 1, .seed = 1});
    std::uint64_t dropped = 0, duplicated = 0, copies = 0;
    for (std::uint64_t k = 0; k < 20; ++k) {
        const auto fate = plan.decide(k);
        dropped += fate.dropped;
        duplicated += fate.duplicated;
        copies += static_cast<std::uint64_t>(fate.copies());
    }
    const auto server =
        start_server("03-udp-server", {"--drop-rate", "0.5", "--duplicate-rate", "0.5", "--delay-ms", "1",
                                       "--seed", "1", "--summary-interval", "1"});
    UdpTestSocket client;
    for (int i = 0; i < 20; ++i) client.send_to(server.port, "0123456789");
    for (std::uint64_t i = 0; i < copies; ++i) client.receive();
    const std::string n = std::to_string(copies);
    EXPECT_TRUE(server.process->wait_for_stderr(
        "datagrams_in=20 bytes_in=200 datagrams_out=" + n + " bytes_out=" + std::to_string(copies * 10) +
        " dropped=" + std::to_string(dropped) + " duplicated=" + std::to_string(duplicated) +
        " delayed=" + n + " truncated=0 queue_full=0 send_failed=0"));
    // A second burst, a second summary: the counts start again from zero.
    client.send_to(server.port, "again");
    EXPECT_TRUE(server.process->wait_for_stderr(" datagrams_in=1 bytes_in=5 "));
    EXPECT_EQ(server.process->stderr_text().find(" from 127.0.0.1:"), std::string::npos)
        << "no per-datagram lines";
}

TEST(UdpServerTest, TraceShowsAHexDumpOfEachDatagram) {
    const auto server = start_server("03-udp-server", {"--trace"});
    UdpTestSocket client;
    client.send_to(server.port, "hello");
    client.receive();
    EXPECT_TRUE(server.process->wait_for_stderr("#0 recv 5 bytes from 127.0.0.1:"));
    EXPECT_TRUE(server.process->wait_for_stderr("68 65 6c 6c 6f"));
    EXPECT_TRUE(server.process->wait_for_stderr("|hello|"));
}

TEST(UdpServerTest, FullDelayQueueDropsTheNewCopyAndSaysSo) {
    const auto server =
        start_server("03-udp-server", {"--delay-ms", "200", "--queue-datagrams", "2", "--verbose"});
    UdpTestSocket client;
    for (const char* text : {"one", "two", "three", "four"}) client.send_to(server.port, text);
    EXPECT_EQ(client.receive().data, "one");
    EXPECT_EQ(client.receive().data, "two");
    EXPECT_TRUE(client.silent_for(400ms)) << "three and four found the queue full";  // ok-sleep
    EXPECT_TRUE(server.process->wait_for_stderr("#2: delay queue full (2 datagrams or"));
    EXPECT_TRUE(server.process->wait_for_stderr("#3: delay queue full"));
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr(" delayed=4 truncated=0 queue_full=2 send_failed=0"));
}

TEST(UdpServerTest, AShorterDelayOvertakesALongerOne) {
    // Find a seed whose plan holds the first datagram clearly longer than the second; then
    // the second must come back first: the server's timer releases copies in due order.
    const lesson03::FaultConfig base{.jitter_ms = 300};
    std::uint64_t seed = 1;
    for (;; ++seed) {
        const lesson03::FaultPlan plan({.jitter_ms = base.jitter_ms, .seed = seed});
        if (plan.decide(0).delay[0] > plan.decide(1).delay[0] + 100ms) break;
    }
    const auto server = start_server("03-udp-server", {"--jitter-ms", "300", "--seed", std::to_string(seed)});
    UdpTestSocket client;
    client.send_to(server.port, "first");
    client.send_to(server.port, "second");
    EXPECT_EQ(client.receive().data, "second");
    EXPECT_EQ(client.receive().data, "first");
}

TEST(UdpServerTest, WorksOverIpv6) {
    const auto server = start_server("03-udp-server", {"--host", "::1", "--verbose"});
    EXPECT_EQ(server.host, "::1");
    UdpTestSocket client("::1");
    client.send_to(server.port, "six");
    EXPECT_EQ(client.receive().data, "six");
    EXPECT_TRUE(server.process->wait_for_stderr("#0 from [::1]:"));
}

TEST(UdpServerTest, SigtermExitsCleanlyAndDiscardsHeldDatagrams) {
    const auto server = start_server("03-udp-server", {"--delay-ms", "10000", "--verbose"});
    UdpTestSocket client;
    client.send_to(server.port, "held");
    ASSERT_TRUE(server.process->wait_for_stderr("held for 10000 ms"));
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("discarding 1 datagrams still held back"));
}

TEST(UdpServerTest, SigintWhileIdleExitsCleanly) {
    const auto server = start_server("03-udp-server");
    server.process->send_signal(SIGINT);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGINT, shutting down"));
}

TEST(UdpServerTest, SighupExitsCleanly) {  // the terminal went away
    const auto server = start_server("03-udp-server");
    UdpTestSocket client;
    client.send_to(server.port, "x");
    ASSERT_EQ(client.receive().data, "x");
    server.process->send_signal(SIGHUP);
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGHUP, shutting down"));
}

TEST(UdpServerTest, PortInUseIsOneClearLineAndFailure) {
    UdpTestSocket holder;  // a UDP socket already bound to the port
    ChildProcess second({bin_path("03-udp-server"), "--port", std::to_string(holder.local_port())});
    expect_one_line_failure(second, "port " + std::to_string(holder.local_port()) + " is already in use");
}

TEST(UdpServerTest, BadRateIsOneLineAndFailure) {
    ChildProcess bad({bin_path("03-udp-server"), "--drop-rate", "1.5"});
    expect_one_line_failure(bad, "--drop-rate");
}

// Every duration flag of the lesson's programs given in seconds is common/cli.hpp's seconds
// option: the same help text, the same short refusal. (--delay-ms, --jitter-ms and
// --interval-ms are whole milliseconds, where 0 means none.)
TEST(UdpServerTest, DurationFlagsAreSecondsAndRefuseBadValuesInOneShortLine) {
    course::testing::expect_seconds_flag("03-udp-server", "--summary-interval", "5");
    course::testing::expect_seconds_flag("03-udp-client", "--timeout", "1");
}

}  // namespace
