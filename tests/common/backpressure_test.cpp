// The slow-consumer policy (common/backpressure.hpp), step by step with a fake clock.
#include "common/backpressure.hpp"
#include "common/cli.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

namespace {

using course::Backpressure;
using course::BackpressureLimits;
using course::BackpressureMeter;
using std::chrono::milliseconds;

const BackpressureLimits limits{.hard_bytes = 1000, .soft_bytes = 100, .soft_time = milliseconds(10'000)};
const BackpressureMeter::clock::time_point t0{std::chrono::hours(1)};

TEST(BackpressureMeterTest, OverTheHardBoundIsAtOnce) {
    BackpressureMeter meter(limits);
    EXPECT_EQ(meter.queued(1000, t0), Backpressure::ok);  // at the bound is still allowed
    EXPECT_EQ(meter.queued(1001, t0), Backpressure::over_hard_bound);
    EXPECT_EQ(meter.check(t0), Backpressure::over_hard_bound);
}

TEST(BackpressureMeterTest, ABurstReadThroughInTimeIsNeverClosed) {
    BackpressureMeter meter(limits);
    // 900 bytes arrive at once, far over the soft bound; the client reads 100 a second.
    EXPECT_EQ(meter.queued(900, t0), Backpressure::ok);
    auto now = t0;
    for (std::size_t waiting = 800; waiting > 0; waiting -= 100) {
        now += milliseconds(1000);
        meter.sent(waiting, now);
        EXPECT_EQ(meter.check(now), Backpressure::ok) << waiting;
    }
    meter.sent(0, now + milliseconds(1000));
    EXPECT_EQ(meter.check(now + milliseconds(60'000)), Backpressure::ok);  // empty: nothing to stall
}

TEST(BackpressureMeterTest, AboveTheSoftBoundForTheSoftTimeIsClosed) {
    BackpressureMeter meter(limits);
    meter.queued(500, t0);
    // It reads, but never enough to get under the soft bound.
    meter.sent(400, t0 + milliseconds(5'000));
    meter.queued(450, t0 + milliseconds(6'000));
    EXPECT_EQ(meter.check(t0 + milliseconds(9'999)), Backpressure::ok);
    EXPECT_EQ(meter.check(t0 + milliseconds(10'000)), Backpressure::over_soft_bound);
}

TEST(BackpressureMeterTest, DippingUnderTheSoftBoundRestartsItsClock) {
    BackpressureMeter meter(limits);
    meter.queued(500, t0);
    meter.sent(50, t0 + milliseconds(9'000));
    meter.queued(500, t0 + milliseconds(9'500));
    EXPECT_EQ(meter.check(t0 + milliseconds(15'000)), Backpressure::ok);
    EXPECT_EQ(meter.check(t0 + milliseconds(19'500)), Backpressure::over_soft_bound);
}

TEST(BackpressureMeterTest, BytesWaitingWithNothingWrittenIsAStall) {
    BackpressureMeter meter(limits);
    meter.queued(10, t0);                        // far under the soft bound
    meter.queued(20, t0 + milliseconds(8'000));  // more arrives: not progress
    EXPECT_EQ(meter.check(t0 + milliseconds(9'999)), Backpressure::ok);
    EXPECT_EQ(meter.check(t0 + milliseconds(10'000)), Backpressure::stalled);
}

TEST(BackpressureMeterTest, EveryWriteRestartsTheStallClock) {
    BackpressureMeter meter(limits);
    meter.queued(50, t0);
    meter.sent(49, t0 + milliseconds(9'000));
    EXPECT_EQ(meter.check(t0 + milliseconds(18'999)), Backpressure::ok);
    EXPECT_EQ(meter.check(t0 + milliseconds(19'000)), Backpressure::stalled);
}

TEST(BackpressureMeterTest, WritingBytesTheBoundsDoNotCountIsProgressToo) {
    // Exempt bytes (lesson 05: a newcomer's greeting) are written ahead of the counted ones,
    // which do not shrink meanwhile; the client is reading all the same.
    BackpressureMeter meter(limits);
    meter.queued(10, t0);
    meter.sent(10, t0 + milliseconds(9'000));
    EXPECT_EQ(meter.check(t0 + milliseconds(18'999)), Backpressure::ok);
    EXPECT_EQ(meter.check(t0 + milliseconds(19'000)), Backpressure::stalled);
}

TEST(BackpressureMeterTest, AnIdleClientNeverStalls) {
    BackpressureMeter meter(limits);
    EXPECT_EQ(meter.check(t0 + milliseconds(3'600'000)), Backpressure::ok);
    meter.queued(10, t0 + milliseconds(3'600'000));  // the stall clock starts when bytes wait
    EXPECT_EQ(meter.check(t0 + milliseconds(3'605'000)), Backpressure::ok);
}

TEST(BackpressureMeterTest, DescribesEachVerdictWithItsNumbers) {
    EXPECT_EQ(course::describe(Backpressure::over_hard_bound, limits), "more than 1000 bytes waiting");
    EXPECT_EQ(course::describe(Backpressure::over_soft_bound, limits),
              "more than 100 bytes waiting for 10 s");
    EXPECT_EQ(course::describe(Backpressure::stalled, limits), "nothing read for 10 s");
    const BackpressureLimits fast{.soft_time = milliseconds(1500)};
    EXPECT_EQ(course::describe(Backpressure::stalled, fast), "nothing read for 1500 ms");
}

struct ParsedLimits {
    BackpressureLimits limits;
    CLI::App app{"test", "prog"};
    ParsedLimits() { course::add_backpressure_options(app, limits); }
    void parse(std::vector<std::string> args) {
        std::reverse(args.begin(), args.end());  // CLI11 takes them last to first
        app.parse(args);
    }
};

TEST(BackpressureOptionsTest, DefaultsAreThirtyTwoMiBOneMiBTenSeconds) {
    ParsedLimits p;
    p.parse({});
    EXPECT_EQ(p.limits.hard_bytes, 32u << 20);
    EXPECT_EQ(p.limits.soft_bytes, 1u << 20);
    EXPECT_EQ(p.limits.soft_time, milliseconds(10'000));
}

TEST(BackpressureOptionsTest, TakeUnitsAndTheOldMaxQueueName) {
    ParsedLimits p;
    p.parse({"--max-queue", "64MiB", "--queue-soft-limit", "512k", "--queue-soft-time", "2.5"});
    EXPECT_EQ(p.limits.hard_bytes, 64u << 20);
    EXPECT_EQ(p.limits.soft_bytes, 512u << 10);
    EXPECT_EQ(p.limits.soft_time, milliseconds(2'500));
    ParsedLimits q;
    q.parse({"--queue-hard-limit", "4096"});
    EXPECT_EQ(q.limits.hard_bytes, 4096u);
}

TEST(BackpressureOptionsTest, RefuseZeroAndNonsense) {
    ParsedLimits p;
    EXPECT_THROW(p.parse({"--queue-hard-limit", "0"}), CLI::ParseError);
    ParsedLimits q;
    EXPECT_THROW(q.parse({"--queue-soft-limit", "lots"}), CLI::ParseError);
    ParsedLimits r;
    EXPECT_THROW(r.parse({"--queue-soft-time", "0"}), CLI::ParseError);
}

}  // namespace
