// 03-three-ways as a process, the way the README runs it: its own echo, no echo at all, and
// the stop signals.

#include "tests/lesson03/udp_test_socket.hpp"
#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;

using Fields = std::map<std::string, std::string>;

// style name -> the key=value fields of its "summary style=..." line.
std::map<std::string, Fields> summaries_of(const std::string& out) {
    std::map<std::string, Fields> summaries;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("summary ", 0) != 0) continue;
        Fields fields;
        std::istringstream words(line.substr(8));
        for (std::string word; words >> word;) {
            const auto eq = word.find('=');
            fields[word.substr(0, eq)] = word.substr(eq + 1);
        }
        summaries[fields["style"]] = fields;
    }
    return summaries;
}

struct ProgramRun {
    std::string out;
    int code = -1;
    std::string err;  // shown when the run fails: why it exited
};

ProgramRun run_three_ways(std::vector<std::string> args) {
    args.insert(args.begin(), bin_path("03-three-ways"));
    ChildProcess process(args);
    ProgramRun run;
    run.out = process.read_all_stdout(60s).value_or("<timed out>");
    run.code = process.wait(10s).value_or(-1);
    run.err = process.stderr_text();
    return run;
}

TEST(ThreeWaysProcessTest, EachStyleGetsEveryReplyFromTheBuiltinEcho) {
    // The echo holds each reply 1 s, so that even a slow machine has every job in flight at once.
    const ProgramRun run = run_three_ways({"--jobs", "50", "--echo-delay", "1", "--timeout", "10"});
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("03-three-ways: 50 jobs per style, each sends a datagram to 127.0.0.1:"),
              std::string::npos)
        << run.out;
    const auto summaries = summaries_of(run.out);
    ASSERT_EQ(summaries.size(), 3u) << run.out;
    for (const char* style : {"blocking", "handlers", "coroutine"}) {
        auto fields = summaries.at(style);
        EXPECT_EQ(fields["replied"], "50") << style << "\n" << run.out;
        EXPECT_EQ(fields["timed_out"], "0") << style;
        EXPECT_EQ(fields["failed"], "0") << style;
        EXPECT_EQ(fields["in_flight"], "50") << style << ": every job was waiting at once";
        EXPECT_GE(std::stod(fields["wall_ms"]), 1000.0) << style << ": a reply takes the echo's 1 s";
    }
    auto blocking = summaries.at("blocking");
    EXPECT_EQ(blocking["threads_added"], "50") << "a thread per job in flight";
    EXPECT_GE(std::stoll(blocking["virtual_per_job"]), 1 << 20)
        << "each thread reserves a stack (8 MiB by default)";
    EXPECT_EQ(summaries.at("handlers").at("threads_added"), "0") << "the jobs ran on main's thread";
    EXPECT_EQ(summaries.at("coroutine").at("threads_added"), "0") << "the jobs ran on main's thread";
}

TEST(ThreeWaysProcessTest, WithNoEchoEveryJobOfEveryStyleTimesOut) {
    lesson03::testing::UdpTestSocket black_hole;  // bound, never reads: nothing ever comes back
    const ProgramRun run = run_three_ways(
        {"--port", std::to_string(black_hole.local_port()), "--jobs", "20", "--timeout", "0.3"});
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    const auto summaries = summaries_of(run.out);
    ASSERT_EQ(summaries.size(), 3u) << run.out;
    for (const char* style : {"blocking", "handlers", "coroutine"}) {
        auto fields = summaries.at(style);
        EXPECT_EQ(fields["timed_out"], "20") << style << "\n" << run.out;
        EXPECT_EQ(fields["replied"], "0") << style;
        EXPECT_GE(std::stod(fields["wall_ms"]), 300.0) << style << ": no job gives up before its deadline";
    }
}

TEST(ThreeWaysProcessTest, OnlyTheChosenStyleRuns) {
    const ProgramRun run = run_three_ways({"--style", "coroutine", "--jobs", "5", "--echo-delay", "0.01"});
    ASSERT_EQ(run.code, 0) << run.out << run.err;
    const auto summaries = summaries_of(run.out);
    ASSERT_EQ(summaries.size(), 1u) << run.out;
    EXPECT_EQ(summaries.begin()->first, "coroutine");
    EXPECT_EQ(summaries.begin()->second.at("replied"), "5");
}

TEST(ThreeWaysProcessTest, RefusesAnEchoOptionWithAnotherServersPort) {
    ChildProcess process({bin_path("03-three-ways"), "--port", "7003", "--echo-delay", "1"});
    EXPECT_NE(process.wait(10s).value_or(0), 0);
    EXPECT_TRUE(process.wait_for_stderr("03-three-ways: error: --port excludes --echo-delay"))
        << process.stderr_text();
}

class ThreeWaysSignalTest : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(ThreeWaysSignalTest, AStopSignalInTheMiddleOfARunExitsZeroWithEveryJobStopped) {
    const auto& [style, signal] = GetParam();
    lesson03::testing::UdpTestSocket black_hole;
    ChildProcess process({bin_path("03-three-ways"), "--style", style, "--port",
                          std::to_string(black_hole.local_port()), "--jobs", "20", "--timeout", "60"});
    ASSERT_TRUE(process.wait_for_stderr(style + ": 20 of 20 jobs in flight", 20s)) << process.stderr_text();
    process.send_signal(signal);
    const auto code = process.wait(20s);
    ASSERT_TRUE(code) << "still running: the signal must end the 60 s waits";
    EXPECT_EQ(*code, 0);
    const auto out = process.read_all_stdout(5s).value_or("");
    const auto summaries = summaries_of(out);
    ASSERT_EQ(summaries.count(style), 1u) << out;
    EXPECT_EQ(summaries.at(style).at("stopped"), "20") << out;
}

INSTANTIATE_TEST_SUITE_P(Signals, ThreeWaysSignalTest,
                         ::testing::Values(std::tuple{std::string("blocking"), SIGINT},
                                           std::tuple{std::string("handlers"), SIGTERM},
                                           std::tuple{std::string("coroutine"), SIGHUP}),
                         [](const auto& test) { return std::get<0>(test.param); });

}  // namespace
