// 03-three-ways' bookkeeping without any socket: the probe's moment of measure, the report's
// counts and per-job arithmetic, and the exact text of the table and the summary line.

#include "lessons/03-udp/three_ways/job.hpp"
#include "lessons/03-udp/three_ways/peak_probe.hpp"
#include "lessons/03-udp/three_ways/style_report.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace lesson03::three_ways;
using Clock = std::chrono::steady_clock;

TEST(ThreeWaysJobTest, RequestsNameTheirStyleAndJobAndOnlyTheEchoOfOneIsItsReply) {
    EXPECT_EQ(request_for(Style::handlers, 17), "three-ways handlers job 17");
    const JobPlan plan{asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 9000), 1s};
    const std::string request = request_for(Style::coroutine, 3);
    EXPECT_TRUE(is_reply(plan, plan.echo, request, request));
    EXPECT_FALSE(is_reply(plan, plan.echo, request_for(Style::coroutine, 4), request)) << "another job's";
    EXPECT_FALSE(is_reply(plan, plan.echo, request.substr(0, 10), request)) << "cut short";
    const asio::ip::udp::endpoint stranger(asio::ip::make_address("127.0.0.1"), 9001);
    EXPECT_FALSE(is_reply(plan, stranger, request, request)) << "the right bytes from someone else";
}

TEST(ThreeWaysJobTest, StyleNamesRoundTrip) {
    for (const Style style : {Style::blocking, Style::handlers, Style::coroutine}) {
        EXPECT_EQ(parse_style(style_name(style)), style);
    }
    EXPECT_FALSE(parse_style("all"));
    EXPECT_FALSE(parse_style("Blocking"));
}

TEST(ThreeWaysProbeTest, MeasuresOnceWhenEveryJobHasWaitedOrEnded) {
    std::ostringstream text;
    course::Logger log(course::LogLevel::info, text);
    PeakProbe probe(4, "handlers", log);
    probe.job_waiting();
    probe.job_waiting();
    probe.job_done(true);   // one of those two already has its reply
    probe.job_done(false);  // one job failed before it could wait
    EXPECT_FALSE(probe.peak()) << "the fourth job has not sent yet";
    probe.job_waiting();  // the fourth: everyone is accounted for
    const auto peak = probe.peak();
    ASSERT_TRUE(peak);
    EXPECT_EQ(peak->in_flight, 2u) << "two waiting: the second and the fourth";
    EXPECT_GT(peak->sample.threads, 0);
    EXPECT_NE(text.str().find("handlers: 2 of 4 jobs in flight, measured"), std::string::npos) << text.str();
    probe.job_done(true);
    EXPECT_EQ(probe.peak()->at, peak->at) << "taken once";
}

JobResult result_of(Outcome outcome, std::size_t ignored = 0, std::string error = {}) {
    JobResult result;
    result.outcome = outcome;
    result.ignored = ignored;
    result.error = std::move(error);
    return result;
}

StyleReport sample_report(bool with_peak) {
    const std::vector<JobResult> results = {result_of(Outcome::replied),
                                            result_of(Outcome::replied, 2),
                                            result_of(Outcome::timed_out),
                                            result_of(Outcome::failed, 0, "Too many open files"),
                                            result_of(Outcome::failed, 0, "second"),
                                            result_of(Outcome::stopped)};
    ProcessSample before, after, at_peak;
    before.threads = 3;
    before.heap_bytes = 10'000;
    before.resident_bytes = 1'000'000;
    before.virtual_bytes = 50'000'000;
    before.cpu = 1'000us;
    before.context_switches = 10;
    after = before;
    after.cpu = 13'500us;
    after.context_switches = 70;
    at_peak = before;
    at_peak.threads = 7;
    at_peak.heap_bytes = 10'000 + 4 * 1'500;
    at_peak.resident_bytes = 1'000'000 + 4 * 10'240;
    at_peak.virtual_bytes = 50'000'000 + 4 * 8'392'704;
    const auto start = Clock::now();
    std::optional<Peak> peak;
    if (with_peak) peak = Peak{at_peak, 4, start + 2'500us};
    const ThreadUsage echo{1'000us, 20};
    return summarize(Style::blocking, results, before, after, peak, echo, start, start + 152'300us);
}

TEST(ThreeWaysReportTest, CountsOutcomesAndDividesCostsByTheJobsInFlight) {
    const StyleReport report = sample_report(true);
    EXPECT_EQ(report.jobs, 6u);
    EXPECT_EQ(report.replied, 2u);
    EXPECT_EQ(report.timed_out, 1u);
    EXPECT_EQ(report.failed, 2u);
    EXPECT_EQ(report.stopped, 1u);
    EXPECT_EQ(report.ignored, 2u);
    EXPECT_EQ(report.first_error, "Too many open files");
    EXPECT_EQ(report.wall, 152'300us);
    EXPECT_EQ(report.cpu, 11'500us) << "12.5 ms for the process, less the echo's 1 ms";
    EXPECT_EQ(report.context_switches, 40) << "60 for the process, less the echo's 20";
    ASSERT_TRUE(report.in_flight);
    EXPECT_EQ(*report.in_flight, 4u);
    EXPECT_EQ(report.time_to_peak, 2'500us);
    EXPECT_EQ(report.threads_at_peak, 7);
    EXPECT_EQ(report.threads_added, 4);
    EXPECT_EQ(report.per_job.heap_bytes, 1'500);
    EXPECT_EQ(report.per_job.resident_bytes, 10'240);
    EXPECT_EQ(report.per_job.virtual_bytes, 8'392'704);
}

TEST(ThreeWaysReportTest, SummaryLineHasEveryFieldInOrderAndThePeaksOnlyIfThereWasOne) {
    EXPECT_EQ(
        summary_line(sample_report(true)),
        "summary style=blocking jobs=6 replied=2 timed_out=1 failed=2 stopped=1 ignored=2 wall_ms=152.3 "
        "cpu_ms=11.5 context_switches=40 in_flight=4 peak_ms=2.5 threads=7 threads_added=4 "
        "heap_per_job=1500 resident_per_job=10240 virtual_per_job=8392704");
    EXPECT_EQ(
        summary_line(sample_report(false)),
        "summary style=blocking jobs=6 replied=2 timed_out=1 failed=2 stopped=1 ignored=2 wall_ms=152.3 "
        "cpu_ms=11.5 context_switches=40");
}

TEST(ThreeWaysReportTest, TablePutsTheStylesSideBySide) {
    StyleReport other = sample_report(false);
    other.style = Style::coroutine;
    const std::vector<StyleReport> reports = {sample_report(true), other};
    const std::string table = comparison_table(reports);
    std::istringstream lines(table);
    std::string header, replied;
    std::getline(lines, header);
    std::getline(lines, replied);
    EXPECT_EQ(header, std::string(28, ' ') + "    blocking   coroutine");
    EXPECT_EQ(replied, "jobs that got their reply              2           2");
    EXPECT_NE(table.find("wall time                       152.3 ms    152.3 ms\n"), std::string::npos)
        << table;
    EXPECT_NE(table.find("virtual per job in flight        8.0 MiB           -\n"), std::string::npos)
        << "no peak, no per-job cost: " << table;
    EXPECT_NE(table.find("threads added for the jobs             4           -\n"), std::string::npos)
        << table;
}

TEST(ThreeWaysReportTest, BytesInBinaryUnits) {
    EXPECT_EQ(format_bytes(0), "0 B");
    EXPECT_EQ(format_bytes(690), "690 B");
    EXPECT_EQ(format_bytes(1023), "1023 B");
    EXPECT_EQ(format_bytes(1024), "1.0 KiB");
    EXPECT_EQ(format_bytes(9'728), "9.5 KiB");
    EXPECT_EQ(format_bytes(8'392'704), "8.0 MiB");
    EXPECT_EQ(format_bytes(-409), "-409 B");
    EXPECT_EQ(format_bytes(-2'048), "-2.0 KiB");
}

}  // namespace
