// 03-udp-client end to end against 03-udp-server. The counts under faults are not read off a
// run: they are worked out from FaultPlan (the seeded rule the server follows) and the
// definitions in ping_stats.hpp, reimplemented here, before the client runs.

#include "lessons/03-udp/fault_plan.hpp"
#include "tests/lesson03/udp_test_socket.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::ServerProcess;
using course::testing::start_server;
using lesson03::FaultConfig;
using lesson03::FaultPlan;

struct Run {
    std::string out;
    std::string err;
    int code = -1;
};

// All of a finished child's stderr: wait_for_stderr returns once the pipe is closed, and a
// needle the programs never print makes it wait for exactly that.
std::string full_stderr(ChildProcess& process) {
    process.wait_for_stderr("\x01end of stderr\x01");
    return process.stderr_text();
}

Run run_client(const ServerProcess& server, std::vector<std::string> args) {
    std::vector<std::string> argv{bin_path("03-udp-client"), "--host", server.host, "--port",
                                  std::to_string(server.port)};
    argv.insert(argv.end(), args.begin(), args.end());
    ChildProcess client(argv);
    Run run;
    run.out = client.read_all_stdout(30s).value_or("<timed out>");
    run.code = client.wait().value_or(-1);
    run.err = full_stderr(client);
    return run;
}

// The key=value fields of the "summary ..." line.
std::map<std::string, std::string> summary_of(const std::string& out) {
    std::map<std::string, std::string> fields;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("summary ", 0) != 0) continue;
        std::istringstream words(line.substr(8));
        for (std::string word; words >> word;) {
            const auto eq = word.find('=');
            fields[word.substr(0, eq)] = word.substr(eq + 1);
        }
    }
    return fields;
}

struct Expected {
    std::uint64_t received = 0, lost = 0, duplicated = 0, reordered = 0;
};

// What the client must count when `n` pings are sent and datagram k meets plan.decide(k),
// with every copy arriving in the order of its delay (the sends themselves take microseconds).
Expected expected_counts(const FaultPlan& plan, std::uint32_t n) {
    struct Copy {
        std::chrono::milliseconds delay;
        std::uint32_t sequence;
    };
    std::vector<Copy> copies;
    for (std::uint32_t k = 0; k < n; ++k) {
        const auto fate = plan.decide(k);
        for (int c = 0; c < fate.copies(); ++c)
            copies.push_back({fate.delay[static_cast<std::size_t>(c)], k});
    }
    std::stable_sort(copies.begin(), copies.end(),
                     [](const Copy& a, const Copy& b) { return a.delay < b.delay; });
    Expected e;
    std::set<std::uint32_t> seen;
    std::int64_t highest = -1;
    for (const auto& copy : copies) {
        if (!seen.insert(copy.sequence).second) {
            ++e.duplicated;
            continue;
        }
        ++e.received;
        if (copy.sequence < highest) ++e.reordered;
        highest = std::max<std::int64_t>(highest, copy.sequence);
    }
    e.lost = n - e.received;
    return e;
}

// The smallest gap between the delays of any two copies: how much the timing on a busy
// machine may wobble before two arrivals could swap places.
std::chrono::milliseconds smallest_gap(const FaultPlan& plan, std::uint32_t n) {
    std::vector<std::chrono::milliseconds> delays;
    for (std::uint32_t k = 0; k < n; ++k) {
        const auto fate = plan.decide(k);
        for (int c = 0; c < fate.copies(); ++c) delays.push_back(fate.delay[static_cast<std::size_t>(c)]);
    }
    std::sort(delays.begin(), delays.end());
    auto gap = std::chrono::milliseconds::max();
    for (std::size_t i = 1; i < delays.size(); ++i) gap = std::min(gap, delays[i] - delays[i - 1]);
    return gap;
}

void expect_counts(const Run& run, std::uint32_t n, const Expected& e) {
    const auto s = summary_of(run.out);
    ASSERT_FALSE(s.empty()) << "no summary line in: " << run.out << run.err;
    EXPECT_EQ(s.at("sent"), std::to_string(n));
    EXPECT_EQ(s.at("received"), std::to_string(e.received)) << run.out;
    EXPECT_EQ(s.at("lost"), std::to_string(e.lost)) << run.out;
    EXPECT_EQ(s.at("duplicated"), std::to_string(e.duplicated)) << run.out;
    EXPECT_EQ(s.at("reordered"), std::to_string(e.reordered)) << run.out;
    EXPECT_EQ(s.at("invalid"), "0") << run.out;
}

TEST(UdpClientTest, PingOnACleanLoopbackGetsEverythingBackInOrder) {
    const auto server = start_server("03-udp-server");
    const auto run = run_client(server, {"--count", "20", "--interval-ms", "1", "--timeout", "0.3"});
    EXPECT_EQ(run.code, 0) << run.err;
    expect_counts(run, 20, {20, 0, 0, 0});
    EXPECT_NE(run.out.find("32 bytes from 127.0.0.1:" + std::to_string(server.port) + ": seq=19 rtt="),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("round trip min/avg/max/p99 = "), std::string::npos) << run.out;
    EXPECT_NE(summary_of(run.out).count("rtt_p99_us"), 0u);
}

TEST(UdpClientTest, ExactLossAndDuplicatesForAFixedSeed) {
    constexpr std::uint32_t n = 200;
    for (const std::uint64_t seed : {1, 2, 3}) {
        const FaultPlan plan({.drop_rate = 0.2, .duplicate_rate = 0.15, .seed = seed});
        const Expected e = expected_counts(plan, n);  // no delay: no reordering either
        ASSERT_GT(e.lost, 0u);
        ASSERT_GT(e.duplicated, 0u);
        const auto server = start_server("03-udp-server", {"--drop-rate", "0.2", "--duplicate-rate", "0.15",
                                                           "--seed", std::to_string(seed), "--quiet"});
        const auto run =
            run_client(server, {"--count", std::to_string(n), "--interval-ms", "1", "--timeout", "0.3"});
        SCOPED_TRACE("seed " + std::to_string(seed));
        expect_counts(run, n, e);
        EXPECT_EQ(run.code, 0);
    }
}

TEST(UdpClientTest, DropRateTenPercentSeedOneLosesExactlyWhatThePlanSays) {
    // The switches the README measures with: --drop-rate 0.1 --seed 1. 200 pings, not 1,000:
    // 200 replies fit in a socket's default receive buffer (about 257 small datagrams), so
    // even a server or client stalled on a busy machine loses nothing for real.
    constexpr std::uint32_t n = 200;
    const Expected e = expected_counts(FaultPlan({.drop_rate = 0.1, .seed = 1}), n);
    const auto server = start_server("03-udp-server", {"--drop-rate", "0.1", "--seed", "1", "--quiet"});
    // One ping a millisecond: a burst of 1,000 at once would overflow a receive buffer and
    // lose datagrams for real, on loopback too (see README, What to watch for).
    const auto run =
        run_client(server, {"--count", std::to_string(n), "--interval-ms", "1", "--timeout", "0.3"});
    expect_counts(run, n, e);
    EXPECT_NE(
        run.err.find(std::to_string(e.lost) + " lost: for each, the request or the reply (or both) went "
                                              "missing; the client cannot know which"),
        std::string::npos)
        << run.err;
}

TEST(UdpClientTest, ExactReorderingForAFixedSeed) {
    // Eight pings sent at once; the server holds each copy 0..800 ms. Pick the first seed whose
    // plan drops, duplicates and reorders, with every two copies at least 40 ms apart so that
    // scheduling noise cannot swap them; then the arrival order is the order of the delays.
    constexpr std::uint32_t n = 8;
    FaultConfig config{.drop_rate = 0.2, .duplicate_rate = 0.3, .delay_ms = 0, .jitter_ms = 800, .seed = 1};
    Expected e;
    for (;; ++config.seed) {
        ASSERT_LT(config.seed, 1'000'000u) << "no suitable seed";
        const FaultPlan plan(config);
        e = expected_counts(plan, n);
        if (e.lost > 0 && e.duplicated > 0 && e.reordered >= 2 && smallest_gap(plan, n) >= 40ms) break;
    }
    const auto server =
        start_server("03-udp-server", {"--drop-rate", "0.2", "--duplicate-rate", "0.3", "--jitter-ms", "800",
                                       "--seed", std::to_string(config.seed)});
    const auto run =
        run_client(server, {"--count", std::to_string(n), "--interval-ms", "0", "--timeout", "1.2"});
    SCOPED_TRACE("seed " + std::to_string(config.seed));
    expect_counts(run, n, e);
    EXPECT_NE(run.out.find("(out of order)"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("(duplicate)"), std::string::npos) << run.out;
}

TEST(UdpClientTest, OneShotPrintsTheReply) {
    const auto server = start_server("03-udp-server");
    const auto run = run_client(server, {"--message", "hello, datagram"});
    EXPECT_EQ(run.out, "hello, datagram\n");
    EXPECT_EQ(run.code, 0);
}

TEST(UdpClientTest, UnconnectedClientIgnoresDatagramsFromOthers) {
    // The server holds its reply for 300 ms; meanwhile an intruder writes to the client's port.
    const auto server = start_server("03-udp-server", {"--delay-ms", "300"});
    ChildProcess client({bin_path("03-udp-client"), "--port", std::to_string(server.port), "--message", "hi",
                         "--timeout", "5", "--verbose"});
    ASSERT_TRUE(client.wait_for_stderr(" to 127.0.0.1:" + std::to_string(server.port)));
    const std::string err = client.stderr_text();
    // "sending from 0.0.0.0:PORT to ...": unconnected, the socket is bound to any local address.
    const auto from = err.find("sending from ");
    const auto to = err.find(" to ", from);
    ASSERT_NE(to, std::string::npos) << err;
    const std::string local = err.substr(from, to - from);
    const auto client_port = static_cast<std::uint16_t>(std::stoi(local.substr(local.rfind(':') + 1)));
    lesson03::testing::UdpTestSocket intruder;
    intruder.send_to(client_port, "intruder");
    EXPECT_EQ(client.read_all_stdout(), "hi\n");
    EXPECT_EQ(client.wait(), 0);
    EXPECT_TRUE(client.wait_for_stderr(
        "ignoring 8 bytes from 127.0.0.1:" + std::to_string(intruder.local_port()) + " (not the server)"));
}

TEST(UdpClientTest, TraceDumpsEachDatagramSentAndReceived) {
    const auto server = start_server("03-udp-server");
    const auto run = run_client(server, {"--message", "hello", "--trace"});
    const std::string port = std::to_string(server.port);
    EXPECT_NE(run.err.find("sent 5 bytes to 127.0.0.1:" + port), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("recv 5 bytes from 127.0.0.1:" + port), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("68 65 6c 6c 6f"), std::string::npos) << run.err;
}

TEST(UdpClientTest, OneShotDetectsATruncatedReply) {
    const auto server = start_server("03-udp-server");
    const auto run = run_client(server, {"--message", std::string(1000, 'x'), "--recv-buffer", "100"});
    EXPECT_EQ(run.out, std::string(100, 'x') +
                           "\nreply truncated: the datagram had 1000 bytes, the 100-byte "
                           "receive buffer kept only the first 100 (the rest is gone)\n");
}

TEST(UdpClientTest, OversizePayloadIsRejectedBeforeSending) {
    const auto server = start_server("03-udp-server", {"--verbose"});
    const auto run = run_client(server, {"--message", std::string(65'508, 'x')});
    EXPECT_NE(run.code, 0);
    EXPECT_NE(run.err.find("payload of 65508 bytes does not fit in one UDP datagram over IPv4: the limit is "
                           "65507 bytes"),
              std::string::npos)
        << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "expected one line: " << run.err;
    // Nothing reached the server: the next datagram it sees is number 0.
    lesson03::testing::UdpTestSocket probe;
    probe.send_to(server.port, "probe");
    probe.receive();
    EXPECT_TRUE(server.process->wait_for_stderr("#0 from 127.0.0.1:" + std::to_string(probe.local_port())));
}

TEST(UdpClientTest, LargestIpv4PayloadRoundTrips) {
    const auto server = start_server("03-udp-server", {"--quiet"});
    const auto run = run_client(server, {"--count", "1", "--size", "65507", "--timeout", "0.5"});
    expect_counts(run, 1, {1, 0, 0, 0});
    EXPECT_NE(run.out.find("65507 bytes from"), std::string::npos) << run.out;
}

TEST(UdpClientTest, NoServerUnconnectedJustTimesOut) {
    const ServerProcess nobody{nullptr, "127.0.0.1", lesson03::testing::unused_udp_port()};
    const auto run = run_client(nobody, {"--message", "anyone?", "--timeout", "0.3"});
    EXPECT_EQ(run.out, "no reply within 300 ms\n");
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find("UDP cannot tell why: the request may have been lost, or the reply"),
              std::string::npos)
        << run.err;
}

TEST(UdpClientTest, NoServerConnectedHearsConnectionRefused) {
    const ServerProcess nobody{nullptr, "127.0.0.1", lesson03::testing::unused_udp_port()};
    const auto run = run_client(nobody, {"--message", "anyone?", "--timeout", "5", "--connect"});
    EXPECT_EQ(run.code, 1);
    EXPECT_NE(run.err.find("connection refused by 127.0.0.1:" + std::to_string(nobody.port) +
                           ": an ICMP \"port unreachable\" came back"),
              std::string::npos)
        << run.err;
}

TEST(UdpClientTest, PingWithNoServerCountsEverythingLost) {
    const ServerProcess nobody{nullptr, "127.0.0.1", lesson03::testing::unused_udp_port()};
    const auto run = run_client(nobody, {"--count", "3", "--interval-ms", "1", "--timeout", "0.2"});
    expect_counts(run, 3, {0, 3, 0, 0});
    EXPECT_EQ(run.code, 1);
}

TEST(UdpClientTest, PingsOverIpv6) {
    const auto server = start_server("03-udp-server", {"--host", "::1"});
    const auto run = run_client(server, {"--count", "3", "--interval-ms", "1", "--timeout", "0.2"});
    expect_counts(run, 3, {3, 0, 0, 0});
    EXPECT_NE(run.out.find("bytes from [::1]:" + std::to_string(server.port)), std::string::npos) << run.out;
}

TEST(UdpClientTest, Ipv6HasItsOwnSizeLimit) {
    const auto server = start_server("03-udp-server", {"--host", "::1", "--quiet"});
    const auto fits = run_client(server, {"--count", "1", "--size", "65527", "--timeout", "0.5"});
    expect_counts(fits, 1, {1, 0, 0, 0});
    const auto too_big = run_client(server, {"--count", "1", "--size", "65528"});
    EXPECT_NE(too_big.err.find("over IPv6: the limit is 65527 bytes"), std::string::npos) << too_big.err;
}

TEST(UdpClientTest, InteractiveSendsEachLineAsADatagram) {
    const auto server = start_server("03-udp-server", {"--verbose"});
    ChildProcess client({bin_path("03-udp-client"), "--port", std::to_string(server.port)});
    client.write_stdin("one\ntwo\n");
    EXPECT_EQ(client.read_line(), "one");
    EXPECT_EQ(client.read_line(), "two");
    client.write_stdin("exit\n");
    EXPECT_EQ(client.wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("#1 from 127.0.0.1:"));
}

TEST(UdpClientTest, SigintDuringPingStillPrintsTheSummary) {
    const auto server = start_server("03-udp-server");
    ChildProcess client({bin_path("03-udp-client"), "--port", std::to_string(server.port), "--count", "1000",
                         "--interval-ms", "100"});
    ASSERT_TRUE(client.read_line());  // the "UDP PING" header
    ASSERT_TRUE(client.read_line());  // the first reply
    client.send_signal(SIGINT);
    const auto out = client.read_all_stdout();
    ASSERT_TRUE(out);
    EXPECT_NE(out->find("summary sent="), std::string::npos) << *out;
    EXPECT_EQ(client.wait(), 0);
}

TEST(UdpClientTest, SighupDuringPingStillPrintsTheSummary) {  // the terminal went away
    const auto server = start_server("03-udp-server");
    ChildProcess client({bin_path("03-udp-client"), "--port", std::to_string(server.port), "--count", "1000",
                         "--interval-ms", "100"});
    ASSERT_TRUE(client.read_line());  // the "UDP PING" header
    ASSERT_TRUE(client.read_line());  // the first reply
    client.send_signal(SIGHUP);
    const auto out = client.read_all_stdout();
    ASSERT_TRUE(out);
    EXPECT_NE(out->find("summary sent="), std::string::npos) << *out;
    EXPECT_EQ(client.wait(), 0);
}

TEST(UdpClientTest, BadArgumentIsOneLineAndFailure) {
    ChildProcess bad({bin_path("03-udp-client"), "--count", "3", "--message", "x"});
    course::testing::expect_one_line_failure(bad, "excludes");
}

}  // namespace
