// 03-three-ways' styles in this process, each against a real echo over loopback: every job
// gets its reply, a datagram that is not the reply is ignored, nothing answering means a
// timeout at the deadline (not before), a stop request ends a run at once. The suite runs
// under ThreadSanitizer too: the blocking style runs a thread per job.

#include "lessons/03-udp/three_ways/builtin_echo.hpp"
#include "lessons/03-udp/three_ways/styles.hpp"
#include "tests/lesson03/udp_test_socket.hpp"

#include "common/fd_wait.hpp"

#include <gtest/gtest.h>

#include <array>
#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using namespace lesson03::three_ways;
using asio::ip::udp;
using Clock = std::chrono::steady_clock;

void run(Style style, const JobPlan& plan, std::span<JobResult> results, PeakProbe& probe,
         const course::StopEvent& stop) {
    switch (style) {
    case Style::blocking: return run_blocking(plan, results, probe, stop);
    case Style::handlers: return run_handlers(plan, results, probe, stop);
    case Style::coroutine: return run_coroutine(plan, results, probe, stop);
    }
}

// Answers each request twice: first with other bytes (what a stranger's datagram, or a late
// reply meant for an earlier socket, looks like), then with the request itself. Serves
// `requests` requests, or stops when none comes for 5 s or on request.
class DoubleTalkEcho {
public:
    explicit DoubleTalkEcho(std::size_t requests)
        : socket_(io_, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          endpoint_(socket_.local_endpoint()), thread_([this, requests] { serve(requests); }) {}
    ~DoubleTalkEcho() {
        stop_.request();
        thread_.join();
    }
    udp::endpoint endpoint() const { return endpoint_; }

private:
    void serve(std::size_t requests) {
        std::array<char, 256> buffer{};
        udp::endpoint from;
        for (std::size_t i = 0; i < requests; ++i) {
            if (course::wait_readable(socket_.native_handle(), stop_, 5s) != course::WaitResult::ready)
                return;
            const std::size_t length = socket_.receive_from(asio::buffer(buffer), from);
            socket_.send_to(asio::buffer(std::string("not the reply")), from);
            socket_.send_to(asio::buffer(buffer.data(), length), from);
        }
    }

    asio::io_context io_;
    udp::socket socket_;
    udp::endpoint endpoint_;
    course::StopEvent stop_;
    std::thread thread_;
};

class ThreeWaysStyleTest : public ::testing::TestWithParam<Style> {
protected:
    std::ostringstream log_text_;
    course::Logger log_{course::LogLevel::info, log_text_};
    course::StopEvent stop_;
};

TEST_P(ThreeWaysStyleTest, EveryJobGetsItsOwnReplyFromTheEcho) {
    constexpr std::size_t jobs = 40;
    // 0.5 s: long enough that even 40 threads started under a sanitizer all wait at once.
    BuiltinEcho echo(asio::ip::make_address("127.0.0.1"), {.delay = 500ms, .drop_rate = 0, .max_held = 1'024},
                     log_);
    const JobPlan plan{echo.endpoint(), 5s};
    std::vector<JobResult> results(jobs);
    PeakProbe probe(jobs, "test", log_);
    run(GetParam(), plan, results, probe, stop_);
    std::set<std::thread::id> threads;
    for (std::size_t k = 0; k < jobs; ++k) {
        EXPECT_EQ(results[k].outcome, Outcome::replied) << "job " << k << ": " << results[k].error;
        EXPECT_GE(results[k].round_trip, 500ms) << "job " << k << ": the echo holds every reply 0.5 s";
        EXPECT_EQ(results[k].ignored, 0u);
        threads.insert(results[k].thread);
    }
    if (GetParam() == Style::blocking) {
        EXPECT_EQ(threads.count(std::this_thread::get_id()), 0u) << "the jobs ran on threads of their own";
    } else {
        EXPECT_EQ(threads, std::set{std::this_thread::get_id()})
            << "every job ran on the thread that called run()";
    }
    const auto peak = probe.peak();
    ASSERT_TRUE(peak) << "every job waited, so the probe measured";
    EXPECT_EQ(peak->in_flight, jobs) << "the echo held every reply 0.5 s: all were in flight at once";
}

TEST_P(ThreeWaysStyleTest, ADatagramThatIsNotTheReplyIsIgnoredAndTheWaitGoesOn) {
    constexpr std::size_t jobs = 10;
    DoubleTalkEcho echo(jobs);
    const JobPlan plan{echo.endpoint(), 5s};
    std::vector<JobResult> results(jobs);
    PeakProbe probe(jobs, "test", log_);
    run(GetParam(), plan, results, probe, stop_);
    for (std::size_t k = 0; k < jobs; ++k) {
        EXPECT_EQ(results[k].outcome, Outcome::replied) << "job " << k << ": " << results[k].error;
        EXPECT_EQ(results[k].ignored, 1u) << "job " << k << ": 'not the reply' came first";
    }
}

TEST_P(ThreeWaysStyleTest, WithNobodyAnsweringEveryJobTimesOutAtItsDeadline) {
    constexpr std::size_t jobs = 20;
    lesson03::testing::UdpTestSocket black_hole;  // bound, so nobody else gets the port; never reads
    const JobPlan plan{udp::endpoint(asio::ip::make_address("127.0.0.1"), black_hole.local_port()), 300ms};
    std::vector<JobResult> results(jobs);
    PeakProbe probe(jobs, "test", log_);
    const auto start = Clock::now();
    run(GetParam(), plan, results, probe, stop_);
    const auto elapsed = Clock::now() - start;
    for (std::size_t k = 0; k < jobs; ++k) EXPECT_EQ(results[k].outcome, Outcome::timed_out) << "job " << k;
    EXPECT_GE(elapsed, 300ms) << "no job may give up before its deadline";
    EXPECT_LT(elapsed, 30s) << "every job ends at its deadline: no hang";
}

TEST_P(ThreeWaysStyleTest, AStopRequestEndsTheRunAtOnceWithEveryJobStopped) {
    constexpr std::size_t jobs = 20;
    lesson03::testing::UdpTestSocket black_hole;
    const JobPlan plan{udp::endpoint(asio::ip::make_address("127.0.0.1"), black_hole.local_port()), 60s};
    std::vector<JobResult> results(jobs);
    PeakProbe probe(jobs, "test", log_);
    // Once every job is waiting (a bounded poll of the probe), ask to stop, as SIGINT would.
    std::jthread stopper([&] {
        const auto give_up = Clock::now() + 20s;
        while (!probe.peak() && Clock::now() < give_up) {
            std::this_thread::sleep_for(1ms);  // ok-sleep: polling the probe, bounded by the deadline
        }
        stop_.request();
    });
    const auto start = Clock::now();
    run(GetParam(), plan, results, probe, stop_);
    EXPECT_LT(Clock::now() - start, 30s) << "the stop request, not the 60 s deadline, ended the run";
    ASSERT_TRUE(probe.peak());
    for (std::size_t k = 0; k < jobs; ++k) EXPECT_EQ(results[k].outcome, Outcome::stopped) << "job " << k;
}

TEST_P(ThreeWaysStyleTest, AStopRequestedBeforeTheRunEndsItAtOnce) {
    lesson03::testing::UdpTestSocket black_hole;
    const JobPlan plan{udp::endpoint(asio::ip::make_address("127.0.0.1"), black_hole.local_port()), 60s};
    std::vector<JobResult> results(5);
    PeakProbe probe(results.size(), "test", log_);
    stop_.request();
    const auto start = Clock::now();
    run(GetParam(), plan, results, probe, stop_);
    EXPECT_LT(Clock::now() - start, 30s);
    for (const JobResult& result : results) EXPECT_EQ(result.outcome, Outcome::stopped);
}

INSTANTIATE_TEST_SUITE_P(Styles, ThreeWaysStyleTest,
                         ::testing::Values(Style::blocking, Style::handlers, Style::coroutine),
                         [](const auto& test) { return std::string(style_name(test.param)); });

}  // namespace
