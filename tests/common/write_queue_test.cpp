// The course's write queue (common/write_queue.hpp) on a socketpair: order, gathered writes, a
// full socket, what an eviction keeps (the piece being sent, the exempt prefix, the pieces it
// is told to keep), the bounds with exempt bytes and bytes elsewhere, a failed write, and the
// memory an emptied queue keeps. Lesson 05 queues bare shared frames, lesson 07 pieces with
// what /stats counts: both kinds are tested.
#include "common/write_queue.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <string>
#include <vector>

namespace {

using course::Backpressure;
using course::Flushed;
using course::SharedBytes;

// A connected pair of non-blocking stream sockets with small buffers, closed at the end.
class SocketPair {
public:
    SocketPair() {
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds_.data()), 0);
        const int small = 4096;
        ::setsockopt(fds_[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        ::setsockopt(fds_[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    }
    ~SocketPair() {
        for (int fd : fds_)
            if (fd >= 0) ::close(fd);
    }
    int writer() const { return fds_[0]; }
    // Everything readable now (non-blocking).
    std::string read_available() {
        std::string out;
        std::array<char, 65536> buffer;
        for (;;) {
            const ssize_t n = ::read(fds_[1], buffer.data(), buffer.size());
            if (n <= 0) return out;
            out.append(buffer.data(), static_cast<std::size_t>(n));
        }
    }
    void close_reader() {
        ::close(fds_[1]);
        fds_[1] = -1;
    }

private:
    std::array<int, 2> fds_{-1, -1};
};

// A piece with something to account for once it is sent, as lesson 07's.
struct CountedPiece {
    SharedBytes bytes;
    int events = 0;
    bool response = false;
};
bool is_response(const CountedPiece& piece) { return piece.response; }

SharedBytes shared(std::string bytes) { return std::make_shared<const std::string>(std::move(bytes)); }
CountedPiece counted(std::string bytes, int events = 0, bool response = false) {
    return CountedPiece{shared(std::move(bytes)), events, response};
}

const auto now = [] { return std::chrono::steady_clock::now(); };

// Reads and flushes until the queue is empty (bounded): everything the reader received.
template <class Queue, class OnSent> std::string drain(SocketPair& pair, Queue& queue, OnSent on_sent) {
    std::string received;
    std::error_code error;
    for (int round = 0; round < 100'000 && !queue.empty(); ++round) {
        received += pair.read_available();
        EXPECT_NE(queue.flush(pair.writer(), now(), error, on_sent), Flushed::failed) << error.message();
    }
    EXPECT_TRUE(queue.empty());
    return received + pair.read_available();
}
template <class Queue> std::string drain(SocketPair& pair, Queue& queue) {
    return drain(pair, queue, [](const auto&) {});
}

TEST(WriteQueueTest, SendsPiecesInOrderAndReportsEachOnceWhenSent) {
    SocketPair pair;
    course::WriteQueue<CountedPiece> queue({});
    queue.push(counted("HTTP/1.1 200 OK\r\n\r\n", 0, true), now());
    queue.push(counted("id: 1\n", 1), now());
    queue.push(counted("id: 2\n", 1), now());
    EXPECT_EQ(queue.bytes(), 31u);
    std::vector<std::string> sent;
    std::error_code error;
    EXPECT_EQ(
        queue.flush(pair.writer(), now(), error, [&](const CountedPiece& p) { sent.push_back(*p.bytes); }),
        Flushed::all);
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(queue.bytes(), 0u);
    EXPECT_EQ(sent, (std::vector<std::string>{"HTTP/1.1 200 OK\r\n\r\n", "id: 1\n", "id: 2\n"}));
    EXPECT_EQ(pair.read_available(), "HTTP/1.1 200 OK\r\n\r\nid: 1\nid: 2\n");
}

TEST(WriteQueueTest, AFullSocketWouldBlockAndTheRestGoesOutLaterWhole) {
    SocketPair pair;
    course::WriteQueue<CountedPiece> queue({});
    std::string expected;
    for (int i = 0; i < 100; ++i) {
        std::string bytes(10'000, static_cast<char>('a' + i % 26));
        expected += bytes;
        queue.push(counted(std::move(bytes), 1), now());
    }
    int events = 0;
    const auto on_sent = [&](const CountedPiece& piece) { events += piece.events; };
    std::error_code error;
    ASSERT_EQ(queue.flush(pair.writer(), now(), error, on_sent), Flushed::would_block);
    EXPECT_GT(queue.bytes(), 0u);
    EXPECT_EQ(drain(pair, queue, on_sent), expected);
    EXPECT_EQ(events, 100);
}

TEST(WriteQueueTest, ThousandsOfSmallPiecesGoOutInOrderThroughASmallSocket) {
    // Many sendmsg() calls of 256 pieces each, and the sent entries compacted away on the way.
    SocketPair pair;
    course::WriteQueue<> queue({});
    std::string expected;
    for (int i = 0; i < 5000; ++i) {
        std::string bytes = std::to_string(i) + ";";
        expected += bytes;
        queue.push(shared(std::move(bytes)), now());
    }
    EXPECT_EQ(drain(pair, queue), expected);
}

TEST(WriteQueueTest, QueuesTheSharedBytesByPointerAndReleasesThemOnceSent) {
    // A broadcast is encoded once: every receiver's queue holds the same bytes, no copy.
    SocketPair first;
    SocketPair second;
    course::WriteQueue<> a({});
    course::WriteQueue<> b({});
    const SharedBytes frame = shared("\x81\x05hello");
    a.push(frame, now());
    b.push(frame, now());
    EXPECT_EQ(frame.use_count(), 3);
    EXPECT_EQ(drain(first, a), *frame);
    EXPECT_EQ(frame.use_count(), 2);
    EXPECT_EQ(drain(second, b), *frame);
    EXPECT_EQ(frame.use_count(), 1);
}

TEST(WriteQueueTest, DropUnstartedKeepsThePieceBeingSentAndThePiecesItIsToldToKeep) {
    SocketPair pair;
    course::WriteQueue<CountedPiece> queue({});
    // One large piece fills the socket and is cut; what follows has not started.
    const std::string big(1'000'000, 'x');
    queue.push(counted(big, 1), now());
    queue.push(counted("dropped event\n", 1), now());
    queue.push(counted("HTTP/1.1 101 Switching Protocols\r\n\r\n", 0, true), now());
    queue.push(counted("dropped too\n", 1), now());
    std::error_code error;
    ASSERT_EQ(queue.flush(pair.writer(), now(), error, [](const CountedPiece&) {}), Flushed::would_block);
    queue.drop_unstarted(is_response);
    EXPECT_EQ(drain(pair, queue), big + "HTTP/1.1 101 Switching Protocols\r\n\r\n");
}

TEST(WriteQueueTest, DropUnstartedKeepsTheExemptPrefixButNothingAfterIt) {
    // Lesson 05's greeting: an evicted newcomer still gets its 101 and hello, then the close.
    SocketPair pair;
    course::WriteQueue<> queue({});
    const std::string response = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
    const std::string history(100'000, 'h');
    queue.push(shared(response), now(), course::WriteQueue<>::Bounds::exempt);
    queue.push(shared(history), now(), course::WriteQueue<>::Bounds::exempt);
    queue.push(shared("not started"), now());
    queue.push(shared("nor this"), now());
    queue.drop_unstarted();
    EXPECT_EQ(queue.bytes(), response.size() + history.size());
    queue.push(shared("close"), now());
    EXPECT_EQ(drain(pair, queue), response + history + "close");
}

TEST(WriteQueueTest, DropUnstartedWithNothingStartedDropsEverything) {
    course::WriteQueue<> queue({});
    queue.push(shared("one"), now());
    queue.push(shared("two"), now());
    queue.drop_unstarted();
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(queue.bytes(), 0u);
}

TEST(WriteQueueTest, MoreThanTheHardBoundIsReportedAtOnce) {
    course::BackpressureLimits limits;
    limits.hard_bytes = 100;
    limits.soft_bytes = 50;
    course::WriteQueue<CountedPiece> queue(limits);
    EXPECT_EQ(queue.push(counted(std::string(80, 'a')), now()), Backpressure::ok);
    EXPECT_EQ(queue.push(counted(std::string(80, 'b')), now()), Backpressure::over_hard_bound);
}

TEST(WriteQueueTest, ExemptBytesAreNotCountedButBytesWaitingElsewhereAre) {
    course::BackpressureLimits limits;
    limits.hard_bytes = 100;
    limits.soft_bytes = 50;
    course::WriteQueue<> queue(limits);
    using Bounds = course::WriteQueue<>::Bounds;
    EXPECT_EQ(queue.push(shared(std::string(500, 'g')), now(), Bounds::exempt), Backpressure::ok);
    EXPECT_EQ(queue.push(shared(std::string(90, 'c')), now()), Backpressure::ok);
    EXPECT_EQ(queue.bytes(), 590u);
    EXPECT_EQ(queue.counted_bytes(), 90u);
    // A pong of 20 bytes waiting in ws::Connection takes it over the bound.
    EXPECT_EQ(queue.measure(now(), 20), Backpressure::over_hard_bound);
    EXPECT_EQ(queue.measure(now(), 0), Backpressure::ok);
}

TEST(WriteQueueTest, TheExemptPrefixShrinksAsItIsSent) {
    SocketPair pair;
    course::WriteQueue<> queue({});
    queue.push(shared(std::string(1'000'000, 'g')), now(), course::WriteQueue<>::Bounds::exempt);
    queue.push(shared(std::string(1000, 'c')), now());
    EXPECT_EQ(queue.counted_bytes(), 1000u);
    std::error_code error;
    ASSERT_EQ(queue.flush(pair.writer(), now(), error), Flushed::would_block);
    EXPECT_EQ(queue.counted_bytes(), 1000u) << "the greeting is not sent yet: only it shrank";
    drain(pair, queue);
    EXPECT_EQ(queue.counted_bytes(), 0u);
}

TEST(WriteQueueTest, NothingWrittenForTheSoftTimeIsAStall) {
    course::BackpressureLimits limits;
    limits.soft_time = std::chrono::milliseconds(500);
    course::WriteQueue<CountedPiece> queue(limits);
    const auto start = now();
    queue.push(counted("waiting\n"), start);
    EXPECT_EQ(queue.check(start + std::chrono::milliseconds(100)), Backpressure::ok);
    EXPECT_EQ(queue.check(start + std::chrono::milliseconds(600)), Backpressure::stalled);
}

TEST(WriteQueueTest, WritingTheExemptPrefixIsProgressToo) {
    // A newcomer reading a long greeting is not stalled while counted bytes wait behind it.
    SocketPair pair;
    course::BackpressureLimits limits;
    limits.soft_time = std::chrono::milliseconds(500);
    course::WriteQueue<> queue(limits);
    const auto start = now();
    queue.push(shared(std::string(1'000'000, 'g')), start, course::WriteQueue<>::Bounds::exempt);
    queue.push(shared("counted"), start);
    std::error_code error;
    ASSERT_EQ(queue.flush(pair.writer(), start + std::chrono::milliseconds(400), error),
              Flushed::would_block);
    EXPECT_EQ(queue.check(start + std::chrono::milliseconds(600)), Backpressure::ok);
    EXPECT_EQ(queue.check(start + std::chrono::milliseconds(1000)), Backpressure::stalled);
}

TEST(WriteQueueTest, AWriteToAClosedPeerFailsWithTheError) {
    SocketPair pair;
    pair.close_reader();
    course::WriteQueue<CountedPiece> queue({});
    queue.push(counted("to nobody"), now());
    std::error_code error;
    EXPECT_EQ(queue.flush(pair.writer(), now(), error, [](const CountedPiece&) {}), Flushed::failed);
    EXPECT_EQ(error, std::error_code(EPIPE, std::system_category()));
}

TEST(WriteQueueTest, AnEmptiedQueueKeepsRoomForSixteenEntriesAtMost) {
    // A connection idle after a burst costs what an idle one costs.
    SocketPair pair;
    course::WriteQueue<> queue({});
    for (int i = 0; i < 1000; ++i) queue.push(shared("burst;"), now());
    EXPECT_GE(queue.entries_held(), 1000u);
    drain(pair, queue);
    EXPECT_LE(queue.entries_held(), 16u);
    for (int i = 0; i < 3; ++i) queue.push(shared("chat;"), now());
    drain(pair, queue);
    EXPECT_GT(queue.entries_held(), 0u) << "a small queue keeps its room: no allocation per message";
    EXPECT_LE(queue.entries_held(), 16u);
}

}  // namespace
