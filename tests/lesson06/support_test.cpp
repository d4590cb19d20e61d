// /proc parsing, the report's three forms, and tcp:// / ws:// targets.
#include "proc_stats.hpp"
#include "report.hpp"
#include "target.hpp"

#include "common/open_files.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <stdexcept>

namespace lesson06 {
namespace {

TEST(ProcStatsTest, CpuTicksAreFields14And15EvenWithSpacesInTheName) {
    // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
    const std::string stat = "123 (my (odd) prog) S 1 123 123 0 -1 4194560 10 0 0 0 250 50 0 0 20 0 1 0";
    EXPECT_EQ(parse_stat_cpu_ticks(stat), 300u);
    EXPECT_FALSE(parse_stat_cpu_ticks("123 (x) S 1 2"));
    EXPECT_FALSE(parse_stat_cpu_ticks("garbage"));
}

TEST(ProcStatsTest, RssIsReadInKibibytes) {
    EXPECT_EQ(parse_status_rss("Name:\tx\nVmPeak:\t 9 kB\nVmRSS:\t    1234 kB\nRssAnon: 5 kB\n"),
              1234u * 1024);
    EXPECT_FALSE(parse_status_rss("Name:\tx\n"));
}

TEST(ProcStatsTest, OwnProcessCanBeSampled) {
    const auto sample = sample_process(getpid());
    ASSERT_TRUE(sample);
    EXPECT_GT(sample->rss_bytes, 0u);
    EXPECT_FALSE(sample_process(0));  // /proc/0 does not exist
}

TEST(ProcStatsTest, OpenFileLimitIsRaisedToTheHardLimit) { EXPECT_GE(course::raise_open_file_limit(), 64u); }

TEST(ReportTest, ThreeForms) {
    Report r;
    r.add("mode", "echo");
    r.add("count", std::uint64_t{42});
    r.add("rate", 1.5, 2);
    r.add("error", "connect: Connection \"refused\"");
    EXPECT_EQ(r.result_line(), "RESULT mode=echo count=42 rate=1.50 error=connect:_Connection_\"refused\"");
    EXPECT_EQ(r.json(),
              R"({"mode":"echo","count":42,"rate":1.50,"error":"connect: Connection \"refused\""})");
    EXPECT_NE(r.human().find("  count  42\n"), std::string::npos);
    ASSERT_NE(r.find("count"), nullptr);
    EXPECT_EQ(*r.find("count"), "42");
    EXPECT_EQ(micros(1234567), "1234.6");
}

TEST(TargetTest, TcpAndWsUrls) {
    const Target tcp = parse_target("tcp://127.0.0.1:7001");
    EXPECT_EQ(tcp.scheme, Target::Scheme::tcp);
    EXPECT_EQ(tcp.host, "127.0.0.1");
    EXPECT_EQ(tcp.port, 7001);
    const Target v6 = parse_target("tcp://[::1]:7002");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 7002);
    const Target ws = parse_target("ws://localhost:7005/ws");
    EXPECT_EQ(ws.scheme, Target::Scheme::ws);
    EXPECT_EQ(ws.port, 7005);
    EXPECT_EQ(ws.ws.target, "/ws");
    EXPECT_EQ(ws.ws.host_header, "localhost:7005");
}

TEST(TargetTest, WssUrlsAreWsOverTlsWithPort443ByDefault) {
    const Target named = parse_target("wss://localhost:7009/ws");
    EXPECT_EQ(named.scheme, Target::Scheme::wss);
    EXPECT_TRUE(named.is_websocket());
    EXPECT_EQ(named.host, "localhost");
    EXPECT_EQ(named.port, 7009);
    EXPECT_EQ(named.ws.target, "/ws");
    EXPECT_EQ(named.ws.host_header, "localhost:7009");
    const Target plain = parse_target("wss://example.org/chat");
    EXPECT_EQ(plain.port, 443);
    EXPECT_EQ(plain.ws.host_header, "example.org");  // RFC 6455 3: the default port is left out
    const Target v6 = parse_target("wss://[::1]/ws");
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 443);
    const Target eighty = parse_target("wss://[::1]:80/ws");  // not wss's default: it stays
    EXPECT_EQ(eighty.port, 80);
    EXPECT_EQ(eighty.ws.host_header, "[::1]:80");
}

TEST(TargetTest, BadUrlsAreRefusedWithAReason) {
    for (const char* url : {"http://x:1", "tcp://x", "tcp://x:0", "tcp://x:70000", "tcp://:80",
                            "tcp://[::1:80", "wss://x:0/", "wss:///ws"}) {
        EXPECT_THROW(parse_target(url), std::invalid_argument) << url;
    }
}

}  // namespace
}  // namespace lesson06
