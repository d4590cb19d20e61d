// build_report: a run's measurements become its report. Made-up runs, so each rule (which fields,
// in which order, the rates, the CPU window, the server's memory, when a run is ok) is checked
// with exact numbers.
#include "run_report.hpp"

#include <gtest/gtest.h>
#include <sstream>
#include <string>

namespace lesson06 {
namespace {

LoadOptions options_for(Mode mode, std::size_t connections, std::size_t messages) {
    LoadOptions options;
    options.mode = mode;
    options.targets = {lesson06::parse_target("ws://127.0.0.1:7005/ws")};
    options.connections = connections;
    options.messages = messages;
    return options;
}

// A run that did all its work in exactly 2 s of traffic.
RunMeasurements complete_run(std::size_t opened) {
    RunMeasurements run;
    run.stage = Stage::done;
    run.complete = true;
    run.opened = opened;
    run.connect_seconds = 0.25;
    run.seconds = 2;
    run.cpu_window_seconds = 2;
    run.loadgen_cpu_seconds = 0.5;
    return run;
}

// The report's keys in order, separated by spaces.
std::string keys_of(const Report& report) {
    std::string keys;
    std::istringstream fields(report.result_line().substr(std::string("RESULT ").size()));
    std::string field;
    while (fields >> field) keys += (keys.empty() ? "" : " ") + field.substr(0, field.find('='));
    return keys;
}

std::string value(const RunResult& result, std::string_view key) {
    const std::string* found = result.report.find(key);
    return found ? *found : "(absent)";
}

TEST(RunReportTest, EchoFieldsComeInTheOrderTheReadmeShows) {
    LoadOptions options = options_for(Mode::echo, 100, 5000);
    options.server_pid = 1234;
    RunMeasurements run = complete_run(100);
    run.counters.sent = run.counters.received = 500'000;
    run.server = {ProcSample{1.0, 4 << 20}, ProcSample{1.5, 5 << 20}, ProcSample{2.0, 6 << 20}, 11 << 20};
    EXPECT_EQ(keys_of(build_report(options, run).report),
              "mode url connections threads opened failed lost connect_seconds seconds "
              "sent received expected bad msg_per_s mb_per_s p50_us p90_us p99_us max_us "
              "loadgen_cpu_s loadgen_cpu_pct server_cpu_s server_cpu_pct server_rss_before_kib "
              "server_rss_peak_kib stage timed_out stopped ok");
}

TEST(RunReportTest, EchoRatesArePerSecondOfTraffic) {
    LoadOptions options = options_for(Mode::echo, 100, 5000);
    options.size = 64;
    RunMeasurements run = complete_run(100);
    run.counters.sent = run.counters.received = 500'000;
    const RunResult result = build_report(options, run);
    EXPECT_EQ(value(result, "expected"), "500000");
    EXPECT_EQ(value(result, "msg_per_s"), "250000");  // 500,000 in 2 s
    EXPECT_EQ(value(result, "mb_per_s"), "16.00");    // x 64 bytes
    EXPECT_EQ(value(result, "connect_seconds"), "0.250");
    EXPECT_EQ(value(result, "seconds"), "2.000");
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(value(result, "ok"), "1");
}

TEST(RunReportTest, EchoIsOkOnlyWhenEveryReplyCameBackIntactAndInTime) {
    const LoadOptions options = options_for(Mode::echo, 2, 10);
    RunMeasurements run = complete_run(2);
    run.counters.sent = run.counters.received = 20;
    EXPECT_TRUE(build_report(options, run).ok);

    RunMeasurements corrupted = run;
    corrupted.counters.bad = 1;
    EXPECT_FALSE(build_report(options, corrupted).ok);

    RunMeasurements short_one = run;
    short_one.counters.received = 19;
    EXPECT_FALSE(build_report(options, short_one).ok);

    RunMeasurements unfinished = run;  // the counts add up, but the run did not end by itself
    unfinished.complete = false;
    EXPECT_FALSE(build_report(options, unfinished).ok);
}

TEST(RunReportTest, BroadcastCountsMissingDuplicateAndOutOfOrderDeliveries) {
    LoadOptions options = options_for(Mode::broadcast, 3, 20);
    options.senders = 1;
    RunMeasurements run = complete_run(4);
    run.counters.sent = 20;
    run.counters.unique = 48;
    run.counters.received = 54;
    run.counters.duplicates = 6;
    const RunResult result = build_report(options, run);
    EXPECT_EQ(value(result, "senders"), "1");
    EXPECT_EQ(value(result, "expected"), "60");
    EXPECT_EQ(value(result, "delivered"), "48");
    EXPECT_EQ(value(result, "missing"), "12");
    EXPECT_EQ(value(result, "duplicates"), "6");
    EXPECT_EQ(value(result, "out_of_order"), "0");
    EXPECT_EQ(value(result, "deliveries_per_s"), "24");  // distinct deliveries only
    EXPECT_EQ(value(result, "received"), "(absent)");
    EXPECT_FALSE(result.ok);

    RunMeasurements exact = run;
    exact.counters.unique = exact.counters.received = 60;
    exact.counters.duplicates = 0;
    EXPECT_TRUE(build_report(options, exact).ok);
    exact.counters.duplicates = 1;  // every token arrived, one of them twice
    EXPECT_FALSE(build_report(options, exact).ok);

    RunMeasurements reordered = run;  // every token once, but not each in its sender's order
    reordered.counters.unique = reordered.counters.received = 60;
    reordered.counters.duplicates = 0;
    reordered.counters.out_of_order = 2;
    const RunResult disorder = build_report(options, reordered);
    EXPECT_EQ(value(disorder, "out_of_order"), "2");
    EXPECT_EQ(value(disorder, "missing"), "0");
    EXPECT_FALSE(disorder.ok);
}

TEST(RunReportTest, IdleReportsServerGrowthPerConnectionAndNoLatency) {
    LoadOptions options = options_for(Mode::idle, 100, 1);
    options.server_pid = 1234;
    RunMeasurements run = complete_run(100);
    run.server = {ProcSample{1.0, 4'000'000}, ProcSample{1.0, 4'000'000}, ProcSample{1.25, 4'300'000},
                  4'400'000};
    const RunResult result = build_report(options, run);
    EXPECT_TRUE(result.ok);
    EXPECT_EQ(value(result, "server_rss_connected_kib"), "4199");
    EXPECT_EQ(value(result, "server_bytes_per_conn"), "3000");
    EXPECT_EQ(value(result, "server_rss_peak_kib"), "4296");
    EXPECT_EQ(value(result, "server_cpu_s"), "0.250");
    EXPECT_EQ(value(result, "p50_us"), "(absent)");
    EXPECT_EQ(value(result, "sent"), "(absent)");

    RunMeasurements shrunk = run;  // the allocator gave memory back: no growth, not a huge number
    shrunk.server.after->rss_bytes = 3'900'000;
    EXPECT_EQ(value(build_report(options, shrunk), "server_bytes_per_conn"), "0");

    RunMeasurements some_failed = run;
    some_failed.opened = 99;
    EXPECT_FALSE(build_report(options, some_failed).ok);
}

TEST(RunReportTest, CpuPercentagesAreOfTheSameWindowOnBothSides) {
    LoadOptions options = options_for(Mode::echo, 1, 1);
    options.server_pid = 1234;
    RunMeasurements run = complete_run(1);
    run.cpu_window_seconds = 4;
    run.loadgen_cpu_seconds = 1;
    // The server's CPU counts from the start of the traffic, not from before the connections.
    run.server = {ProcSample{10, 1 << 20}, ProcSample{11, 1 << 20}, ProcSample{13, 1 << 20}, 1 << 20};
    const RunResult result = build_report(options, run);
    EXPECT_EQ(value(result, "loadgen_cpu_pct"), "25.0");
    EXPECT_EQ(value(result, "server_cpu_s"), "2.000");
    EXPECT_EQ(value(result, "server_cpu_pct"), "50.0");

    RunMeasurements instant = run;  // a refused connection ends a run in no measurable time
    instant.seconds = instant.cpu_window_seconds = 0;
    const RunResult zero = build_report(options, instant);
    EXPECT_EQ(value(zero, "loadgen_cpu_pct"), "0.0");
    EXPECT_EQ(value(zero, "msg_per_s"), "0");
}

TEST(RunReportTest, AnUnreadableServerIsSaidNotHidden) {
    LoadOptions options = options_for(Mode::echo, 1, 1);
    RunMeasurements run = complete_run(1);
    EXPECT_EQ(value(build_report(options, run), "server_stats"), "(absent)");  // none was asked for
    options.server_pid = 1234;
    const RunResult result = build_report(options, run);
    EXPECT_EQ(value(result, "server_stats"), "unreadable");
    EXPECT_EQ(value(result, "server_cpu_s"), "(absent)");
    run.server.before = run.server.at_go = ProcSample{1, 1 << 20};  // gone before the end
    EXPECT_EQ(value(build_report(options, run), "server_stats"), "unreadable");
}

TEST(RunReportTest, AnUnfinishedRunSaysWhereItStoppedAndWhy) {
    LoadOptions options = options_for(Mode::echo, 2, 1000);
    RunMeasurements run;
    run.stage = Stage::connecting;
    run.failed = 2;
    run.first_error = "connect: Connection refused";
    const RunResult result = build_report(options, run);
    EXPECT_FALSE(result.ok);
    EXPECT_FALSE(result.stopped);
    const std::string line = result.report.result_line();
    EXPECT_TRUE(
        line.ends_with(" stage=connecting timed_out=0 stopped=0 ok=0 error=connect:_Connection_refused"))
        << line;

    run.stage = Stage::traffic;
    run.timed_out = true;
    run.first_error.clear();
    const std::string timed_out = build_report(options, run).report.result_line();
    EXPECT_TRUE(timed_out.ends_with(" stage=traffic timed_out=1 stopped=0 ok=0")) << timed_out;

    RunMeasurements stopped;
    stopped.stage = Stage::holding;
    stopped.stopped = true;
    const RunResult by_signal = build_report(options_for(Mode::idle, 5, 1), stopped);
    EXPECT_TRUE(by_signal.stopped);
    EXPECT_FALSE(by_signal.ok);
    EXPECT_EQ(value(by_signal, "stage"), "holding");
    EXPECT_EQ(value(by_signal, "stopped"), "1");
}

TEST(RunReportTest, EveryStageAndModeHasItsName) {
    EXPECT_STREQ(stage_name(Stage::connecting), "connecting");
    EXPECT_STREQ(stage_name(Stage::joining), "joining");
    EXPECT_STREQ(stage_name(Stage::holding), "holding");
    EXPECT_STREQ(stage_name(Stage::traffic), "traffic");
    EXPECT_STREQ(stage_name(Stage::done), "done");
    EXPECT_STREQ(mode_name(Mode::echo), "echo");
    EXPECT_STREQ(mode_name(Mode::broadcast), "broadcast");
    EXPECT_STREQ(mode_name(Mode::idle), "idle");
}

TEST(RunReportTest, WorkerCountersAddUp) {
    WorkerCounters sum{1, 2, 3, 4, 5, 6};
    sum += WorkerCounters{10, 20, 30, 40, 50, 60};
    EXPECT_EQ(sum.sent, 11u);
    EXPECT_EQ(sum.received, 22u);
    EXPECT_EQ(sum.unique, 33u);
    EXPECT_EQ(sum.duplicates, 44u);
    EXPECT_EQ(sum.out_of_order, 55u);
    EXPECT_EQ(sum.bad, 66u);
}

}  // namespace
}  // namespace lesson06
