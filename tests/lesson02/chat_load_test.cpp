// Many clients and much traffic, in this process: nothing lost, nothing out of order, and one
// client that never reads costs the others nothing. No timing thresholds: "promptly" means
// every line arrives while the slow client is still stuck (a stalled room would time out).

#include "tests/lesson02/chat_peer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using lesson02::ChatServerConfig;
using lesson02::testing::ChatPeer;
using lesson02::testing::checked_thread;
using lesson02::testing::ServerThread;

// The sender keeps at most `window` lines ahead of the *active* readers, as a real chat
// (people typing) is slower than its readers: then only a client that does not read at all
// can fall behind. If the server let the stuck client stall the room, the window would never
// open again and the test would time out.
TEST(ChatLoadTest, ClientThatNeverReadsIsDroppedWhileTenMegabytesReachEveryoneElse) {
    constexpr int lines = 10000;
    constexpr std::size_t line_size = 1000;  // 10 MB of chat in all
    constexpr int chunk = 64, window = 128;  // lines a send, lines the sender may be ahead
    ChatServerConfig config;
    // A hard bound far above the window (active readers never reach it) and timed rules too
    // slow to act: it is the hard bound that evicts the client that never reads.
    config.session.backpressure = {.hard_bytes = 2 << 20, .soft_bytes = 2 << 20, .soft_time = 60s};
    ServerThread server(config);
    auto sender = ChatPeer::join(server.port(), "sender");
    auto r1 = ChatPeer::join(server.port(), "r1");
    auto r2 = ChatPeer::join(server.port(), "r2");
    auto slow = ChatPeer::join(server.port(), "slow");  // joins, then never reads again
    r1.skip_until("* slow joined");
    r2.skip_until("* slow joined");

    const auto text = [&](int i) {
        std::string number = std::to_string(i);
        return number + " " + std::string(line_size - number.size() - 1, 'x');
    };
    std::mutex mutex;
    std::condition_variable progressed;
    int received[2] = {0, 0};       // guarded by mutex
    bool told[2] = {false, false};  // guarded by mutex: "* slow left" seen
    const auto receive = [&](ChatPeer& reader, int& count, bool& told_slow_left) {
        for (int i = 0; i < lines;) {
            const std::string line = reader.line(60s);
            const std::lock_guard lock(mutex);
            if (line == "* slow left (too slow, disconnected)") {
                told_slow_left = true;
                continue;
            }
            // Joins are announced by each newcomer's own thread, so "* r2 joined" may reach r1
            // after "* slow joined" (seen under AddressSanitizer): only chat lines are counted.
            if (line.rfind("* ", 0) == 0) continue;
            ASSERT_EQ(line, "sender: " + text(i)) << "line " << i;
            count = ++i;
            progressed.notify_all();
        }
    };
    std::thread reader1 = checked_thread([&] { receive(r1, received[0], told[0]); });
    std::thread reader2 = checked_thread([&] { receive(r2, received[1], told[1]); });
    std::thread writer = checked_thread([&] {
        for (int first = 0; first < lines; first += chunk) {
            {
                std::unique_lock lock(mutex);
                const bool open = progressed.wait_for(
                    lock, 60s, [&] { return std::min(received[0], received[1]) >= first - window; });
                ASSERT_TRUE(open) << "the readers stopped receiving after " << received[0] << " and "
                                  << received[1] << " lines";
            }
            std::string bytes;
            for (int i = first; i < std::min(first + chunk, lines); ++i) bytes += text(i) + "\n";
            sender.send(bytes);
        }
    });
    writer.join();
    reader1.join();
    reader2.join();
    // The server gave up on `slow` long before the 10 MB were through, so what is buffered
    // for it is far less, and then the connection ends.
    EXPECT_TRUE(slow.socket().wait_for_close(60s));
    if (!told[0]) r1.skip_until("* slow left (too slow, disconnected)");
    if (!told[1]) r2.skip_until("* slow left (too slow, disconnected)");
    r1.send_line("/who");
    r1.skip_until("* here (3): r1, r2, sender");
}

// With bounds too large to reach, the stall rule is what catches a client that accepts
// nothing: once the kernel buffers towards it are full, no write makes progress.
TEST(ChatLoadTest, ClientThatAcceptsNothingForTheSoftTimeIsDropped) {
    constexpr int lines = 6000;  // 6 MB: more than the kernel buffers towards `stuck` hold
    ChatServerConfig config;
    // 1 s without progress: long enough that the busy reader never hits it.
    config.session.backpressure = {.hard_bytes = 64 << 20, .soft_bytes = 64 << 20, .soft_time = 1s};
    ServerThread server(config);
    auto sender = ChatPeer::join(server.port(), "sender");
    auto reader = ChatPeer::join(server.port(), "reader");
    auto stuck = ChatPeer::join(server.port(), "stuck");
    reader.skip_until("* stuck joined");
    std::thread writer = checked_thread([&] {
        for (int i = 0; i < lines; i += 100) {
            std::string bytes;
            for (int j = i; j < i + 100; ++j) bytes += std::to_string(j) + std::string(995, 'y') + "\n";
            sender.send(bytes);
        }
    });
    bool told = false;
    for (int i = 0; i < lines;) {
        const std::string line = reader.line(60s);
        if (line == "* stuck left (too slow, disconnected)") {
            told = true;
        } else {
            ASSERT_EQ(line, "sender: " + std::to_string(i) + std::string(995, 'y'));
            ++i;
        }
    }
    writer.join();
    if (!told) reader.skip_until("* stuck left (too slow, disconnected)");
    EXPECT_TRUE(stuck.socket().wait_for_close(60s));
}

TEST(ChatLoadTest, TwoHundredClientsEachSendTwentyLinesAndEveryOtherClientGetsThemAll) {
    constexpr int clients = 200, lines_each = 20;
    // 400 server threads and 800,000 deliveries: under ThreadSanitizer on a busy machine one
    // step can take seconds, so the timeouts here are generous (they only bound a failure).
    constexpr auto patience = 60s;
    ServerThread server;
    std::vector<ChatPeer> peers;
    peers.reserve(clients);
    for (int c = 0; c < clients; ++c) {
        peers.push_back(ChatPeer::connect(server.port(), patience));
        peers.back().send_line("c" + std::to_string(c));
    }
    for (int c = 0; c < clients; ++c) peers[c].skip_until("* you are c" + std::to_string(c), patience);
    // Everyone is in the room now: every line below must reach all 199 others.
    for (int round = 0; round < lines_each; ++round) {
        for (int c = 0; c < clients; ++c) peers[c].send_line("m" + std::to_string(round));
    }
    for (int c = 0; c < clients; ++c) {
        std::vector<int> next(clients, 0);  // per sender: the round expected next
        for (int received = 0; received < (clients - 1) * lines_each; ++received) {
            const std::string line = peers[c].chat_line(patience);
            const auto colon = line.find(": m");
            ASSERT_NE(colon, std::string::npos) << line;
            const int sender = std::stoi(line.substr(1, colon - 1));
            ASSERT_NE(sender, c) << "client got its own line back: " << line;
            ASSERT_EQ(std::stoi(line.substr(colon + 3)), next[sender]++) << "client " << c << ": " << line;
        }
        for (int s = 0; s < clients; ++s) ASSERT_EQ(next[s], s == c ? 0 : lines_each) << c << " from " << s;
    }
    EXPECT_EQ(server.server().room().size(), std::size_t{clients});
}

}  // namespace
