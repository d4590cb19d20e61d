// The bounded outbox: what the writer gets, the byte limit, and how it ends.

#include "outbox.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace {

using lesson02::Outbox;
using Kind = Outbox::Batch::Kind;

TEST(OutboxTest, PopsQueuedLinesAsOneBatch) {
    Outbox outbox(1024, "! slow\n");
    EXPECT_EQ(outbox.push("a: 1\n"), Outbox::Push::queued);
    EXPECT_EQ(outbox.push("a: 2\n"), Outbox::Push::queued);
    EXPECT_EQ(outbox.queued_bytes(), 10u);
    const auto batch = outbox.pop(1024);
    EXPECT_EQ(batch.kind, Kind::lines);
    EXPECT_EQ(batch.bytes, "a: 1\na: 2\n");
    EXPECT_EQ(outbox.queued_bytes(), 0u);
}

TEST(OutboxTest, BatchesStopAtMaxBytesButTakeAtLeastOneLine) {
    Outbox outbox(1024, "! slow\n");
    outbox.push(std::string(100, 'x'));
    outbox.push("yy");
    outbox.push("zz");
    EXPECT_EQ(outbox.pop(10).bytes, std::string(100, 'x'));
    EXPECT_EQ(outbox.pop(3).bytes, "yy");
    EXPECT_EQ(outbox.pop(4).bytes, "zz");
}

TEST(OutboxTest, SharesOneLineBetweenOutboxes) {
    Outbox first(1024, "!\n"), second(1024, "!\n");
    const auto line = std::make_shared<const std::string>("shared\n");
    first.push(line);
    second.push(line);
    EXPECT_EQ(line.use_count(), 3);
}

TEST(OutboxTest, OverflowDropsTheBacklogAndLeavesOnlyTheOverflowLine) {
    Outbox outbox(10, "! too slow\n");
    EXPECT_EQ(outbox.push("12345"), Outbox::Push::queued);
    EXPECT_EQ(outbox.push("67890"), Outbox::Push::queued);  // exactly at the limit is fine
    EXPECT_EQ(outbox.push("x"), Outbox::Push::overflow);
    EXPECT_TRUE(outbox.overflowed());
    EXPECT_TRUE(outbox.aborted());
    EXPECT_TRUE(outbox.cancelled().requested());
    EXPECT_EQ(outbox.queued_bytes(), 0u);
    EXPECT_EQ(outbox.push("late"), Outbox::Push::closed);  // reported once, then just dropped
    const auto last = outbox.pop(1024);
    EXPECT_EQ(last.kind, Kind::last);
    EXPECT_EQ(last.bytes, "! too slow\n");
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, CloseDrainsWhatIsQueuedThenTheLastLineThenEnds) {
    Outbox outbox(8, "!\n");
    outbox.push("one\n");
    outbox.close(std::string("* bye, this is over the limit\n"));  // the goodbye may exceed it
    EXPECT_EQ(outbox.push("two\n"), Outbox::Push::closed);
    EXPECT_FALSE(outbox.cancelled().requested());
    EXPECT_EQ(outbox.pop(1024).bytes, "one\n* bye, this is over the limit\n");
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, AbortWithoutLastLineEndsAtOnce) {
    Outbox outbox(1024, "!\n");
    outbox.push("dropped\n");
    outbox.abort();
    EXPECT_FALSE(outbox.overflowed());
    EXPECT_TRUE(outbox.cancelled().requested());
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, AbortAfterCloseStillCutsItShort) {
    Outbox outbox(1024, "!\n");
    outbox.push("queued\n");
    outbox.close(std::string("* bye\n"));
    outbox.abort(std::string("* server shutting down\n"));
    outbox.abort(std::string("ignored\n"));  // the first abort wins
    EXPECT_EQ(outbox.pop(1024).bytes, "* server shutting down\n");
    EXPECT_EQ(outbox.pop(1024).kind, Kind::end);
}

TEST(OutboxTest, PopWaitsForAPushFromAnotherThread) {
    Outbox outbox(1024, "!\n");
    std::thread producer([&] { outbox.push("late\n"); });
    EXPECT_EQ(outbox.pop(1024).bytes, "late\n");
    producer.join();
}

TEST(OutboxTest, ManyProducersOneWriterLoseNothing) {
    constexpr int producers = 4, lines_each = 2000;  // bytes stay under the limit
    Outbox outbox(1 << 20, "!\n");
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
        received += static_cast<std::size_t>(std::count(batch.bytes.begin(), batch.bytes.end(), '\n'));
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(received, std::size_t{producers * lines_each});
    EXPECT_EQ(outbox.queued_bytes(), 0u);
}

}  // namespace
