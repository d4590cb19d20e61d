// The outbox: what the writer gets, the slow-consumer policy (with a fake clock where time
// matters), and how it ends.

#include "outbox.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace {

using lesson02::line_overhead;
using lesson02::Outbox;
using Kind = Outbox::Batch::Kind;
using Verdict = course::Backpressure;
using std::chrono::milliseconds;

course::BackpressureLimits bounds(std::size_t hard, std::size_t soft,
                                  milliseconds time = milliseconds(10'000)) {
    return {.hard_bytes = hard, .soft_bytes = soft, .soft_time = time};
}

const course::BackpressureLimits roomy = bounds(1 << 20, 1 << 19);
// The tests give the outbox the times of events; pop() reads the real clock, so fake times
// start at the real now: were taking a batch counted as progress, it would show.
const Outbox::clock::time_point t0 = Outbox::clock::now();

std::string eviction_line(Verdict verdict) {
    return verdict == Verdict::over_hard_bound   ? "! too slow: hard\n"
           : verdict == Verdict::over_soft_bound ? "! too slow: soft\n"
                                                 : "! too slow: stalled\n";
}

Outbox make_outbox(course::BackpressureLimits limits = roomy) { return Outbox(limits, eviction_line); }

// Bytes that `lines` queued lines of `text_bytes` in all are counted for.
std::size_t cost(std::size_t text_bytes, std::size_t lines) { return text_bytes + lines * line_overhead; }

TEST(OutboxTest, PopsQueuedLinesAsOneBatch) {
    Outbox outbox = make_outbox();
    EXPECT_EQ(outbox.push("a: 1\n"), Outbox::Push::queued);
    EXPECT_EQ(outbox.push("a: 2\n"), Outbox::Push::queued);
    EXPECT_EQ(outbox.waiting_bytes(), cost(10, 2));
    const auto batch = outbox.pop(1024);
    EXPECT_EQ(batch.kind, Kind::lines);
    EXPECT_EQ(batch.bytes, "a: 1\na: 2\n");
    EXPECT_EQ(outbox.waiting_bytes(), 10u);  // taken by the writer, not yet written
    EXPECT_TRUE(outbox.sent(4));
    EXPECT_TRUE(outbox.sent(6));
    EXPECT_EQ(outbox.waiting_bytes(), 0u);
}

TEST(OutboxTest, BatchesStopAtMaxBytesButTakeAtLeastOneLine) {
    Outbox outbox = make_outbox();
    outbox.push(std::string(100, 'x'));
    outbox.push("yy");
    outbox.push("zz");
    EXPECT_EQ(outbox.pop(10).bytes, std::string(100, 'x'));
    outbox.sent(100);
    EXPECT_EQ(outbox.pop(3).bytes, "yy");
    outbox.sent(2);
    EXPECT_EQ(outbox.pop(4).bytes, "zz");
}

TEST(OutboxTest, SharesOneLineBetweenOutboxes) {
    Outbox first = make_outbox(), second = make_outbox();
    const auto line = std::make_shared<const std::string>("shared\n");
    first.push(line);
    second.push(line);
    EXPECT_EQ(line.use_count(), 3);
}

TEST(OutboxTest, OverTheHardBoundIsEvictedAtOnceAndOnlyTheEvictionLineIsLeft) {
    Outbox outbox = make_outbox(bounds(cost(10, 2), 5));
    EXPECT_EQ(outbox.push("12345"), Outbox::Push::queued);
    EXPECT_EQ(outbox.push("67890"), Outbox::Push::queued);  // exactly at the bound is fine
    EXPECT_EQ(outbox.push("x"), Outbox::Push::evicted);
    EXPECT_EQ(outbox.eviction(), Verdict::over_hard_bound);
    ASSERT_TRUE(outbox.aborted()) << "not evicted: the pops below would wait for ever";
    EXPECT_TRUE(outbox.cancelled().requested());
    EXPECT_EQ(outbox.waiting_bytes(), 0u);                 // the backlog is freed at once
    EXPECT_EQ(outbox.push("late"), Outbox::Push::closed);  // reported once, then just dropped
    const auto last = outbox.pop(1024);
    EXPECT_EQ(last.kind, Kind::last);
    EXPECT_EQ(last.bytes, "! too slow: hard\n");
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, ManyTinyLinesAreBoundedByTheirOverheadToo) {
    // One-byte lines cost 81 bytes each: 810 of them fill a 64 KiB bound, not 65,536.
    Outbox outbox = make_outbox(bounds(64 * 1024, 64 * 1024));
    int queued = 0;
    while (outbox.push("x") == Outbox::Push::queued) ++queued;
    EXPECT_EQ(queued, static_cast<int>(64 * 1024 / (1 + line_overhead)));
    EXPECT_EQ(outbox.eviction(), Verdict::over_hard_bound);
}

TEST(OutboxTest, AReaderThatDrainsABurstInTimeIsNeverEvicted) {
    // 8 KiB arrive at once, far over a 1 KiB soft bound; the client reads 1 KiB a second.
    Outbox outbox = make_outbox(bounds(1 << 20, 1024));
    for (int i = 0; i < 8; ++i) ASSERT_EQ(outbox.push(std::string(1024, 'a'), t0), Outbox::Push::queued);
    auto now = t0;
    for (int i = 0; i < 8; ++i) {
        const auto batch = outbox.pop(1024);
        ASSERT_EQ(batch.kind, Kind::lines);
        now += milliseconds(1000);
        ASSERT_TRUE(outbox.sent(batch.bytes.size(), now)) << i;
    }
    EXPECT_EQ(outbox.waiting_bytes(), 0u);
    EXPECT_TRUE(outbox.check(now + milliseconds(60'000)));  // nothing waits: nothing to judge
    EXPECT_EQ(outbox.eviction(), std::nullopt);
}

TEST(OutboxTest, AboveTheSoftBoundForTheSoftTimeIsEvictedByTheWritersProgressReport) {
    Outbox outbox = make_outbox(bounds(1 << 20, 1024));
    for (int i = 0; i < 4; ++i) outbox.push(std::string(1024, 'b'), t0);  // 4 KiB over a 1 KiB bound
    const auto batch = outbox.pop(1024);
    // It reads, but a trickle: never enough to get under the soft bound.
    EXPECT_TRUE(outbox.sent(100, t0 + milliseconds(5'000)));
    EXPECT_TRUE(outbox.sent(100, t0 + milliseconds(9'999)));
    EXPECT_FALSE(outbox.sent(100, t0 + milliseconds(10'000)));
    EXPECT_EQ(outbox.eviction(), Verdict::over_soft_bound);
    EXPECT_TRUE(outbox.cancelled().requested());
    EXPECT_EQ(outbox.pop(1024).bytes, "! too slow: soft\n");
}

TEST(OutboxTest, AboveTheSoftBoundForTheSoftTimeIsEvictedByAPush) {
    Outbox outbox = make_outbox(bounds(1 << 20, 1024));
    outbox.push(std::string(2048, 'c'), t0);
    outbox.pop(4096);
    outbox.sent(1, t0 + milliseconds(9'000));  // progress, so it is not stalled; still above
    EXPECT_EQ(outbox.push("more\n", t0 + milliseconds(9'999)), Outbox::Push::queued);
    EXPECT_EQ(outbox.push("more\n", t0 + milliseconds(10'000)), Outbox::Push::evicted);
    EXPECT_EQ(outbox.eviction(), Verdict::over_soft_bound);
}

TEST(OutboxTest, NoProgressForTheSoftTimeIsStalledHoweverLittleWaits) {
    Outbox outbox = make_outbox();
    outbox.push("just one line\n", t0);
    const auto batch = outbox.pop(1024);
    EXPECT_TRUE(outbox.sent(4, t0 + milliseconds(1'000)));  // a part went out, then nothing
    EXPECT_TRUE(outbox.check(t0 + milliseconds(10'999)));
    EXPECT_FALSE(outbox.check(t0 + milliseconds(11'000)));
    EXPECT_EQ(outbox.eviction(), Verdict::stalled);
    EXPECT_EQ(outbox.pop(1024).bytes, "! too slow: stalled\n");
}

TEST(OutboxTest, TakingABatchIsNotProgress) {
    // The writer popping lines moves them, it does not deliver them: the stall clock runs on.
    Outbox outbox = make_outbox();
    for (int i = 0; i < 3; ++i) outbox.push("line\n", t0);
    outbox.pop(5);
    EXPECT_FALSE(outbox.check(t0 + milliseconds(10'000)));
    EXPECT_EQ(outbox.eviction(), Verdict::stalled);
}

TEST(OutboxTest, CloseDrainsWhatIsQueuedThenTheLastLineThenEnds) {
    Outbox outbox = make_outbox(bounds(8, 8));
    outbox.close(std::string("* bye, this is over the bound\n"));  // the goodbye may exceed it
    EXPECT_EQ(outbox.push("two\n"), Outbox::Push::closed);
    EXPECT_FALSE(outbox.cancelled().requested());
    EXPECT_EQ(outbox.pop(1024).bytes, "* bye, this is over the bound\n");
    EXPECT_TRUE(outbox.sent(30));
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, AbortWithoutLastLineEndsAtOnce) {
    Outbox outbox = make_outbox();
    outbox.push("dropped\n");
    outbox.abort();
    EXPECT_EQ(outbox.eviction(), std::nullopt);
    EXPECT_TRUE(outbox.cancelled().requested());
    EXPECT_FALSE(outbox.sent(3));  // a writer mid-batch is told to stop
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, AbortAfterCloseStillCutsItShort) {
    Outbox outbox = make_outbox();
    outbox.push("queued\n");
    outbox.close(std::string("* bye\n"));
    outbox.abort(std::string("* server shutting down\n"));
    outbox.abort(std::string("ignored\n"));  // the first abort wins
    EXPECT_EQ(outbox.pop(1024).bytes, "* server shutting down\n");
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, PopWaitsForAPushFromAnotherThread) {
    Outbox outbox = make_outbox();
    std::thread producer([&] { outbox.push("late\n"); });
    EXPECT_EQ(outbox.pop(1024).bytes, "late\n");
    producer.join();
}

TEST(OutboxTest, ManyProducersOneWriterLoseNothing) {
    constexpr int producers = 4, lines_each = 2000;  // bytes stay under the bounds
    Outbox outbox = make_outbox(bounds(4 << 20, 4 << 20, milliseconds(60'000)));
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&outbox, p] {
            for (int i = 0; i < lines_each; ++i) outbox.push(std::to_string(p) + "\n");
        });
    }
    std::size_t received = 0;
    while (received < producers * lines_each) {
        const auto batch = outbox.pop(4096);
        ASSERT_EQ(batch.kind, Kind::lines);
        ASSERT_TRUE(outbox.sent(batch.bytes.size()));
        received += static_cast<std::size_t>(std::count(batch.bytes.begin(), batch.bytes.end(), '\n'));
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(received, std::size_t{producers * lines_each});
    EXPECT_EQ(outbox.waiting_bytes(), 0u);
}

}  // namespace
