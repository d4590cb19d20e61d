// 05-chat-server's backpressure policy over real sockets: a newcomer's greeting is exempt from
// the bounds, clients that read get every message of a burst, and a client that never reads is
// closed within the soft time or at the hard bound, with the server's memory bounded all along.
#include "chat_test_client.hpp"
#include "load_client.hpp"
#include "proc_memory.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <iostream>

namespace {

using namespace std::chrono_literals;
using course::testing::ChildProcess;
using course::testing::ServerProcess;
using course::testing::start_server;
using lesson05::testing::ChatTestClient;
using lesson05::testing::join;
using lesson05::testing::num;
using lesson05::testing::peak_rss_bytes;
using lesson05::testing::str;
using lesson05::testing::type_of;

constexpr std::size_t MiB = 1024 * 1024;

TEST(ChatBackpressureTest, NewcomerGetsItsHandshakeAndAFullHistoryOfTheLargestMessages) {
    // 50 messages of 65,536 control characters: each is escaped to 393 KB of JSON ("\u0001"),
    // 19.7 MB of history, nineteen times the 1 MiB a client may owe here. None of it counts.
    ServerProcess server = start_server("05-chat-server", {"--max-queue", "1048576", "--max-message", "65536"});
    auto sender = ChatTestClient::connect(server.port);
    join(sender);
    const std::string text(65'536, '\x01');
    for (int i = 0; i < 50; ++i) {
        sender.send_text(text);
        ASSERT_TRUE(str(sender.next_of_type("message"), "text") == text) << "message " << i;
    }
    // The newcomer reads its 101 and then nothing, while a live message is queued after its
    // greeting: that one counts, the 19.7 MB before it do not.
    auto newcomer = ChatTestClient::connect(server.port);  // throws if the 101 was dropped
    sender.send_text("live");
    for (;;) {  // the sender hears the newcomer join, then its own message: both were queued
        const auto event = sender.next_json();
        if (type_of(event) == "message") break;
    }
    const auto hello = newcomer.next_of_type("hello");
    EXPECT_EQ(num(hello, "history"), 50);
    for (int i = 0; i < 50; ++i) {
        const auto m = newcomer.next_json(10s);
        ASSERT_EQ(type_of(m), "message") << "history message " << i;
        ASSERT_TRUE(str(m, "text") == text) << "history message " << i;
    }
    const auto own_join = newcomer.next_json();
    EXPECT_EQ(type_of(own_join), "join");
    EXPECT_EQ(str(own_join, "name"), str(hello, "name"));
    EXPECT_EQ(str(newcomer.next_json(), "text"), "live") << "the newcomer stays, and gets what follows";
}

TEST(ChatBackpressureTest, ClientThatNeverReadsIsClosedWithinTheSoftTimeOrAtTheHardBound) {
    struct Case {
        std::vector<std::string> args;
        std::string reason;  // in the close frame
    };
    const Case cases[] = {
        // Below a 32 MiB hard bound, the soft time decides: 1 s above 1 MiB, or 1 s with
        // nothing written to the socket, whichever comes first.
        {{"--max-queue", "33554432", "--queue-soft-time", "1"}, "for 1 s"},
        // A hard bound below what is sent closes it at once, however long the soft time.
        {{"--max-queue", "2097152", "--queue-soft-time", "60"}, "more than 2097152 bytes waiting"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.reason);
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--close-timeout", "60", "--history", "0"});
        ServerProcess server = start_server("05-chat-server", args);
        auto sender = ChatTestClient::connect(server.port);
        join(sender);
        auto idle = ChatTestClient::connect(server.port);
        const std::string idle_name = join(idle);  // ... and then it reads nothing
        sender.next_of_type("join");
        // 16 MB in messages of 4,000 bytes, more than the kernel's socket buffers hold, so bytes
        // wait in the idle client's queue; the sender reads each of its own messages back.
        const std::string filler(4000, 'f');
        bool closed = false;
        for (int i = 0; i < 4000 && !closed; ++i) {
            sender.send_text(std::to_string(i) + " " + filler);
            for (;;) {
                const auto event = sender.next_json();
                if (type_of(event) == "leave" && str(event, "name") == idle_name) closed = true;
                if (type_of(event) == "message") break;
            }
        }
        while (!closed) {  // the sweep decides within the soft time (and a quarter of it)
            const auto event = sender.next_json(30s);
            closed = type_of(event) == "leave" && str(event, "name") == idle_name;
        }
        // It finally reads: what the kernel held, then the close (its queue was dropped).
        const lesson05::testing::Received close = idle.read_until_close(30s);
        EXPECT_EQ(close.code, ws::close_code::policy_violation);
        EXPECT_NE(close.data.find(c.reason), std::string::npos) << close.data;
        EXPECT_NE(close.data.find("too slow"), std::string::npos) << close.data;
        sender.send_text("after");
        EXPECT_EQ(str(sender.next_of_type("message"), "text"), "after") << "the sender was never closed";
    }
}

// Counts the burst's lines (the load client's 4,000-byte filler) that a 05-chat-client prints.
std::size_t burst_lines(ChildProcess& terminal, std::size_t expected, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::string filler(100, 'x');
    std::size_t lines = 0;
    while (lines < expected && std::chrono::steady_clock::now() < deadline) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        const auto line = terminal.read_line(left);
        if (!line) break;
        if (line->find(filler) != std::string::npos) ++lines;
    }
    return lines;
}

TEST(ChatBackpressureTest, ReadingClientsGetEveryMessageOfABurstAndMemoryStaysBounded) {
    // Five clients each send 1,500 messages of 4,000 bytes as fast as they can: 30 MB for
    // every receiver. They read as fast as they can, a 05-chat-client prints every line, and
    // one more client reads nothing at all. The default bounds: 32 MiB, and 1 MiB for 10 s.
    ServerProcess server = start_server("05-chat-server");
    auto idle = ChatTestClient::connect(server.port);
    join(idle);
    ChildProcess terminal({course::testing::bin_path("05-chat-client"), "--port", std::to_string(server.port), "--no-time"});
    ASSERT_TRUE(terminal.read_line(10s).value_or("").find("you are") != std::string::npos);
    const std::size_t before = peak_rss_bytes(server.process->pid());

    lesson05::testing::LoadOptions options;
    options.port = server.port;
    options.clients = 5;
    options.senders = 5;
    options.per_sender = 1500;
    options.payload = 4000;
    options.timeout = 120s;
    const auto report = lesson05::testing::run_load(options);
    EXPECT_EQ(report.first_error, "") << "a reading client was closed";
    EXPECT_EQ(report.complete, options.clients);
    EXPECT_EQ(report.deliveries, options.clients * options.senders * options.per_sender);
    EXPECT_EQ(report.out_of_order, 0u);
    const std::size_t printed = burst_lines(terminal, options.senders * options.per_sender, 120s);
    EXPECT_EQ(printed, options.senders * options.per_sender) << "the terminal client was closed: " << terminal.stderr_text();

    // Every frame is shared: the idle client's 30 MB backlog and the readers' queues are the same
    // bytes, so the server holds about one burst, less than the hard bound, and not six.
    const std::size_t peak = peak_rss_bytes(server.process->pid());
    std::cerr << "burst of " << report.deliveries << " deliveries in " << report.burst_seconds << " s; server peak RSS "
              << before / 1024 << " KiB before, " << peak / 1024 << " KiB after\n";
    EXPECT_LT(peak, before + 32 * MiB + 16 * MiB);
}

}  // namespace
