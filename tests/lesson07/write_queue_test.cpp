// The server's write queue on a socketpair: order, gathered writes, a full socket, what an
// eviction keeps, the hard bound and a failed write.
#include "write_queue.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <array>
#include <cerrno>
#include <string>
#include <vector>

namespace {

using lesson07::Piece;
using lesson07::WriteQueue;

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

Piece piece(std::string bytes, std::uint32_t head = 0, std::uint32_t events = 0, bool response = false) {
    return Piece{std::make_shared<const std::string>(std::move(bytes)), head, events, feed::Mode::sse,
                 response};
}

const auto now = [] { return WriteQueue::clock::now(); };

TEST(FeedWriteQueueTest, SendsPiecesInOrderAndReportsEachOnceWhenSent) {
    SocketPair pair;
    WriteQueue queue({});
    queue.push(piece("HTTP/1.1 200 OK\r\n\r\n", 19, 0, true), now());
    queue.push(piece("id: 1\n", 0, 1), now());
    queue.push(piece("id: 2\n", 0, 1), now());
    EXPECT_EQ(queue.bytes(), 31u);
    std::vector<std::string> sent;
    EXPECT_EQ(queue.flush(pair.writer(), now(), [&](const Piece& p) { sent.push_back(*p.bytes); }),
              WriteQueue::Flushed::all);
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(queue.bytes(), 0u);
    EXPECT_EQ(sent, (std::vector<std::string>{"HTTP/1.1 200 OK\r\n\r\n", "id: 1\n", "id: 2\n"}));
    EXPECT_EQ(pair.read_available(), "HTTP/1.1 200 OK\r\n\r\nid: 1\nid: 2\n");
}

TEST(FeedWriteQueueTest, AFullSocketWouldBlockAndTheRestGoesOutLaterWhole) {
    SocketPair pair;
    WriteQueue queue({});
    std::string expected;
    for (int i = 0; i < 100; ++i) {
        std::string bytes(10'000, static_cast<char>('a' + i % 26));
        expected += bytes;
        queue.push(piece(std::move(bytes), 0, 1), now());
    }
    std::size_t reported = 0;
    const auto on_sent = [&](const Piece&) { ++reported; };
    ASSERT_EQ(queue.flush(pair.writer(), now(), on_sent), WriteQueue::Flushed::would_block);
    EXPECT_GT(queue.bytes(), 0u);
    std::string received;
    for (int round = 0; round < 10'000 && !queue.empty(); ++round) {  // bounded
        received += pair.read_available();
        queue.flush(pair.writer(), now(), on_sent);
    }
    received += pair.read_available();
    EXPECT_TRUE(queue.empty());
    EXPECT_EQ(reported, 100u);
    EXPECT_EQ(received, expected);
}

TEST(FeedWriteQueueTest, DropUnstartedKeepsThePieceBeingSentAndHttpHeads) {
    SocketPair pair;
    WriteQueue queue({});
    // One large piece fills the socket and is cut; what follows has not started.
    const std::string big(1'000'000, 'x');
    queue.push(piece(big, 0, 1), now());
    queue.push(piece("dropped event\n", 0, 1), now());
    queue.push(piece("HTTP/1.1 101 Switching Protocols\r\n\r\n", 36, 0, true), now());
    queue.push(piece("dropped too\n", 0, 1), now());
    ASSERT_EQ(queue.flush(pair.writer(), now(), [](const Piece&) {}), WriteQueue::Flushed::would_block);
    queue.drop_unstarted();
    std::string received;
    for (int round = 0; round < 10'000 && !queue.empty(); ++round) {
        received += pair.read_available();
        queue.flush(pair.writer(), now(), [](const Piece&) {});
    }
    received += pair.read_available();
    EXPECT_EQ(received, big + "HTTP/1.1 101 Switching Protocols\r\n\r\n");
}

TEST(FeedWriteQueueTest, MoreThanTheHardBoundIsReportedAtOnce) {
    course::BackpressureLimits limits;
    limits.hard_bytes = 100;
    limits.soft_bytes = 50;
    WriteQueue queue(limits);
    EXPECT_EQ(queue.push(piece(std::string(80, 'a')), now()), course::Backpressure::ok);
    EXPECT_EQ(queue.push(piece(std::string(80, 'b')), now()), course::Backpressure::over_hard_bound);
}

TEST(FeedWriteQueueTest, NothingWrittenForTheSoftTimeIsAStall) {
    course::BackpressureLimits limits;
    limits.soft_time = std::chrono::milliseconds(500);
    WriteQueue queue(limits);
    const auto start = now();
    queue.push(piece("waiting\n"), start);
    EXPECT_EQ(queue.check(start + std::chrono::milliseconds(100)), course::Backpressure::ok);
    EXPECT_EQ(queue.check(start + std::chrono::milliseconds(600)), course::Backpressure::stalled);
}

TEST(FeedWriteQueueTest, AWriteToAClosedPeerFailsWithTheError) {
    SocketPair pair;
    pair.close_reader();
    WriteQueue queue({});
    queue.push(piece("to nobody"), now());
    EXPECT_EQ(queue.flush(pair.writer(), now(), [](const Piece&) {}), WriteQueue::Flushed::failed);
    EXPECT_EQ(queue.error(), std::error_code(EPIPE, std::system_category()));
}

}  // namespace
