// 07-feed-bench's arithmetic: /stats parsed strictly, and the numbers a run becomes (per event,
// per client per minute), in the table and the TSV.

#include "bench/bench_report.hpp"
#include "bench/stats_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <sstream>

namespace {

using lesson07::parse_stats_json;

TEST(FeedBenchStatsTest, FlattensTheServersCounters) {
    const auto s = parse_stats_json(
        R"({"last_id":41,"cpu_us":123456,"modes":{"poll":{"requests":10,"events":7,"open":0},"ws":{}}} )");
    ASSERT_TRUE(s.ok()) << s.error;
    EXPECT_EQ(s.get("last_id"), 41u);
    EXPECT_EQ(s.get("cpu_us"), 123456u);
    EXPECT_EQ(s.get("modes.poll.requests"), 10u);
    EXPECT_EQ(s.get("modes.poll.events"), 7u);
    EXPECT_EQ(s.get("modes.sse.events"), 0u) << "absent: 0";
    EXPECT_EQ(s.values.size(), 5u);
}

TEST(FeedBenchStatsTest, RefusesWhatIsNotTheCountersShape) {
    for (const char* bad :
         {"", "[]", R"({"a":-1})", R"({"a":1.5})", R"({"a":1e3})", R"({"a":"1"})", R"({"a":01})",
          R"({"a":1,"a":2})", R"({"a":1,})", R"({"a":1} x)", R"({"a":[1]})",
          R"({"a":{"b":{"c":{"d":{"e":1}}}}})", R"({"a":99999999999999999999})", R"({"a\"":1})"}) {
        SCOPED_TRACE(bad);
        const auto s = parse_stats_json(bad);
        EXPECT_FALSE(s.ok());
        EXPECT_TRUE(s.values.empty());
    }
}

lesson07::ModeRun sample_run() {
    lesson07::ModeRun run;
    run.mode = lesson07::FeedMode::long_poll;
    run.clients = 10;
    run.published = 20;
    run.idle_seconds = 30;
    run.idle.requests = 10;  // 10 clients, half a minute: 2 per client per minute
    run.idle.bytes_sent = 1500;
    run.idle.bytes_received = 3000;
    run.traffic.events = 190;  // 10 missing
    run.traffic.requests = 380;
    run.traffic.bytes_sent = 38'000;
    run.traffic.bytes_received = 57'000;
    run.traffic.connections = 1;
    run.server_cpu_us = 1900;
    run.publish_seconds = 1.9;  // 20 events, 19 periods of 0.1 s: 10 per second
    run.traffic_seconds = 4;
    run.bench_cpu_seconds = 1;  // a quarter of a core over 4 s
    run.server_events = 190;
    run.server_bytes = 57'000;
    for (int i = 1; i <= 100; ++i)
        run.latency.record(static_cast<std::uint64_t>(i) * 1'000'000);  // 1..100 ms
    return run;
}

TEST(FeedBenchReportTest, DividesByTheEventsDeliveredAndTheClientMinutes) {
    const auto row = lesson07::summarize(sample_run());
    EXPECT_EQ(row.mode, "longpoll");
    EXPECT_EQ(row.expected, 200u);
    EXPECT_EQ(row.delivered, 190u);
    EXPECT_EQ(row.missing, 10u);
    EXPECT_EQ(row.reconnects, 1u);
    EXPECT_DOUBLE_EQ(row.requests_per_event, 2.0);
    EXPECT_DOUBLE_EQ(row.bytes_up_per_event, 200.0);
    EXPECT_DOUBLE_EQ(row.bytes_down_per_event, 300.0);
    EXPECT_DOUBLE_EQ(row.server_bytes_per_event, 300.0);
    EXPECT_DOUBLE_EQ(row.server_cpu_us_per_event, 10.0);
    EXPECT_DOUBLE_EQ(row.publish_rate, 10.0);
    EXPECT_DOUBLE_EQ(row.bench_cpu_pct, 25.0);
    EXPECT_DOUBLE_EQ(row.server_cpu_pct, 1900 / 1e6 / 4 * 100);
    EXPECT_DOUBLE_EQ(row.idle_requests_per_client_min, 2.0);
    EXPECT_DOUBLE_EQ(row.idle_bytes_up_per_client_min, 300.0);
    EXPECT_DOUBLE_EQ(row.idle_bytes_down_per_client_min, 600.0);
    EXPECT_NEAR(row.p50_ms, 50.0, 50.0 / 16) << "the histogram keeps values within 1/16";
    EXPECT_NEAR(row.p99_ms, 99.0, 99.0 / 16);
    EXPECT_DOUBLE_EQ(row.max_ms, 100.0);
}

TEST(FeedBenchReportTest, NothingDeliveredIsNotANumberRatherThanADivisionByZero) {
    lesson07::ModeRun run;
    run.clients = 5;
    run.published = 3;
    const auto row = lesson07::summarize(run);
    EXPECT_EQ(row.missing, 15u);
    EXPECT_TRUE(std::isnan(row.requests_per_event));
    EXPECT_TRUE(std::isnan(row.p50_ms));
    EXPECT_FALSE(row.has_idle);
    const std::string tsv = lesson07::format_tsv({row});
    EXPECT_NE(tsv.find("\tNaN\t"), std::string::npos) << tsv;
    EXPECT_NE(lesson07::format_table({row}).find("missing events"), std::string::npos);
}

TEST(FeedBenchReportTest, TheTsvHasAHeaderAndOneLineOfEqualWidthPerRow) {
    auto sweep = sample_run();
    sweep.mode = lesson07::FeedMode::poll;
    sweep.sweep = true;
    sweep.interval_seconds = 0.5;
    sweep.error = "tab\there";
    const std::string tsv =
        lesson07::format_tsv({lesson07::summarize(sample_run()), lesson07::summarize(sweep)});
    std::istringstream lines(tsv);
    std::string line;
    std::vector<std::size_t> tabs;
    while (std::getline(lines, line))
        tabs.push_back(static_cast<std::size_t>(std::count(line.begin(), line.end(), '\t')));
    ASSERT_EQ(tabs.size(), 3u);
    EXPECT_EQ(tabs[0], tabs[1]);
    EXPECT_EQ(tabs[0], tabs[2]) << "a tab in an error message must not add a column";
    EXPECT_EQ(tsv.rfind("kind\tmode\tclients\tinterval_s\t", 0), 0u);
    EXPECT_NE(tsv.find("\nsweep\tpoll\t10\t0.5\t"), std::string::npos) << tsv;
    const std::string table =
        lesson07::format_table({lesson07::summarize(sample_run()), lesson07::summarize(sweep)});
    EXPECT_NE(table.find("poll interval sweep"), std::string::npos) << table;
    EXPECT_NE(table.find("poll 0.5 s"), std::string::npos) << table;
}

}  // namespace
