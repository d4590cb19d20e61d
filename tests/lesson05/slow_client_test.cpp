// 05-chat-server's backpressure policy over real sockets: a newcomer's greeting is exempt from
// the bounds (and reading it slowly is reading), a ping flood that reads nothing costs no
// memory, a client that sends but never reads is no longer read from, a client that never reads
// is closed within the soft time or at the hard bound with its unsent frames dropped (it reads
// no more than the kernel's buffers held before the close), and clients that read get every message
// of a burst, with the server's memory bounded all along.
#include "chat_test_client.hpp"
#include "load_client.hpp"
#include "proc_memory.hpp"

#include "ws/frame.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <poll.h>
#include <sys/socket.h>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <thread>

namespace {

using namespace std::chrono_literals;
using course::testing::ChildProcess;
using course::testing::ServerProcess;
using course::testing::start_server;
using course::testing::TestSocket;
using lesson05::testing::ChatTestClient;
using lesson05::testing::join;
using lesson05::testing::num;
using lesson05::testing::peak_rss_bytes;
using lesson05::testing::rss_bytes;
using lesson05::testing::start_measured_server;
using lesson05::testing::str;
using lesson05::testing::type_of;

constexpr std::size_t MiB = 1024 * 1024;

// The next event; throws if the connection ended instead, so that no loop waits for ever.
lesson05::json::Object next_event(ChatTestClient& client, std::chrono::milliseconds timeout = 5s) {
    lesson05::json::Object event = client.next_json(timeout);
    if (event.members.empty()) throw std::runtime_error("the connection ended");
    return event;
}

std::string masked(ws::Opcode opcode, std::string_view payload) {
    std::string out;
    const ws::MaskKey key{9, 8, 7, 6};
    ws::append_frame(out, opcode, payload, true, &key);
    return out;
}

// Sends `bytes` as fast as the peer takes them, without ever reading; gives up once the peer
// has taken nothing for `patience` (it stopped reading from us) or the connection fails.
// Returns how many bytes were sent.
std::size_t send_without_reading(TestSocket& socket, std::string_view bytes,
                                 std::chrono::milliseconds patience) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n =
            ::send(socket.fd(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{socket.fd(), POLLOUT, 0};
            if (::poll(&p, 1, static_cast<int>(patience.count())) == 0) break;
        } else if (!(n < 0 && errno == EINTR)) {
            break;  // closed by the server
        }
    }
    return sent;
}

// Keeps the kernel's share of a client that does not read small and known: its receive buffer
// is fixed at 64 KiB (the kernel doubles it and stops growing it), and returns the most the
// kernel can then hold for it: that buffer, plus the server's send buffer at its largest
// (tcp_wmem's maximum: the chat server leaves it to the kernel's autotuning), plus 64 KiB for
// the frame that was being sent when the client was evicted (it is finished, not cut).
std::size_t limit_kernel_buffers(int fd) {
    const int receive_buffer = 64 * 1024;
    EXPECT_EQ(::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer), 0);
    int granted = 0;
    socklen_t size = sizeof granted;
    EXPECT_EQ(::getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &size), 0);
    std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
    std::size_t min = 0, initial = 0, max = 0;
    if (!(wmem >> min >> initial >> max)) throw std::runtime_error("cannot read /proc/sys/net/ipv4/tcp_wmem");
    return max + static_cast<std::size_t>(granted) + 64 * 1024;
}

TEST(ChatBackpressureTest, NewcomerGetsItsHandshakeAndAFullHistoryOfTheLargestMessages) {
    // 50 messages of 65,536 control characters: each is escaped to 393 KB of JSON ("\u0001"),
    // 19.7 MB of history, nineteen times the 1 MiB a client may owe here. None of it counts.
    ServerProcess server =
        start_server("05-chat-server", {"--max-queue", "1048576", "--max-message", "65536"});
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
        const auto event = next_event(sender);
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

TEST(ChatBackpressureTest, NewcomerReadingItsGreetingSlowlyIsNotTakenForStalled) {
    // A live message waits behind a 19.7 MB greeting that the newcomer reads in pauses. The
    // message is counted and does not move while the greeting goes out, yet the newcomer reads
    // all along: it must not be closed for "nothing read" after the (1 s) soft time.
    ServerProcess server = start_server("05-chat-server", {"--queue-soft-time", "1"});
    auto sender = ChatTestClient::connect(server.port);
    join(sender);
    const std::string text(65'536, '\x01');
    for (int i = 0; i < 50; ++i) {
        sender.send_text(text);
        ASSERT_TRUE(str(sender.next_of_type("message"), "text") == text) << "message " << i;
    }
    auto newcomer = ChatTestClient::connect(server.port);
    sender.send_text("live");
    for (;;) {
        if (type_of(next_event(sender)) == "message") break;
    }
    newcomer.next_of_type("hello");
    for (int i = 0; i < 50; ++i) {
        ASSERT_EQ(type_of(next_event(newcomer, 10s)), "message") << "history message " << i;
        if (i % 5 == 4) std::this_thread::sleep_for(200ms);  // ok-sleep: a reader that pauses, 2 s in all
    }
    EXPECT_EQ(type_of(next_event(newcomer)), "join");
    EXPECT_EQ(str(next_event(newcomer), "text"), "live") << "the newcomer was read from all along";
}

TEST(ChatBackpressureTest, PingFloodFromAClientThatReadsNothingKeepsMemoryFlat) {
    ServerProcess server = start_measured_server("05-chat-server");
    auto witness = ChatTestClient::connect(server.port);
    join(witness);
    auto flooder = ChatTestClient::connect(server.port);
    const std::string flooder_name = join(flooder);
    witness.next_of_type("join");
    const std::size_t before = rss_bytes(server.process->pid());

    // 1,000,000 pings of 125 bytes (131 MB with their headers), as fast as the server takes
    // them; the flooder never reads a pong. Without coalescing, each pong would be queued.
    std::string batch;
    for (int i = 0; i < 1000; ++i) batch += masked(ws::Opcode::ping, std::string(125, 'p'));
    std::size_t pings = 0;
    for (int round = 0; round < 1000; ++round) {
        const std::size_t sent = send_without_reading(flooder.socket(), batch, 10s);
        pings += sent / (batch.size() / 1000);
        if (sent < batch.size()) break;  // the server stopped reading from us, or closed
    }
    // Then a message: once the witness has it, the server has handled every ping before it.
    // (If the server stopped reading from the flooder, it closes it within the soft time.)
    send_without_reading(flooder.socket(), masked(ws::Opcode::text, "flood over"), 10s);
    for (;;) {
        const auto event = next_event(witness, 60s);
        if (type_of(event) == "message" && str(event, "text") == "flood over") break;
        if (type_of(event) == "leave" && str(event, "name") == flooder_name) break;
    }
    const std::size_t after = rss_bytes(server.process->pid());
    const std::size_t peak = peak_rss_bytes(server.process->pid());
    std::cerr << pings << " pings: server RSS " << before / 1024 << " KiB before, " << after / 1024
              << " KiB after, peak " << peak / 1024 << " KiB\n";
    EXPECT_EQ(pings, 1'000'000u) << "the server read every ping";
    EXPECT_LT(peak, before + 32 * MiB) << "pongs nobody reads must not pile up";
    witness.send_text("still here");
    EXPECT_EQ(str(witness.next_of_type("message"), "text"), "still here");
}

TEST(ChatBackpressureTest, ClientThatSendsButNeverReadsIsNoLongerReadFrom) {
    // 40 MB of chat messages from a client that reads nothing, not even its own messages. Once
    // its socket buffer is full the server stops reading from it (the kernel may still accept
    // what it sends): it cannot push the room further, its queue stays small, and the stall
    // rule closes it, not the 32 MiB hard bound.
    ServerProcess server =
        start_measured_server("05-chat-server", {"--queue-soft-time", "2", "--history", "0"});
    auto witness = ChatTestClient::connect(server.port);
    join(witness);
    auto flooder = ChatTestClient::connect(server.port);
    const std::string flooder_name = join(flooder);
    witness.next_of_type("join");
    const std::size_t before = peak_rss_bytes(server.process->pid());
    std::string flood;
    for (int i = 0; i < 10'000; ++i)
        flood += masked(ws::Opcode::text, std::to_string(i) + " " + std::string(4000, 'f'));
    // The flood ends when the server closes the connection (or, if it never does, after 30 s
    // of refusal); meanwhile the witness reads, as a chat client does.
    std::size_t sent = 0;
    std::jthread flooding([&] { sent = send_without_reading(flooder.socket(), flood, 30s); });
    std::size_t relayed = 0;
    for (;;) {
        const auto event = next_event(witness, 30s);
        if (type_of(event) == "message") ++relayed;
        if (type_of(event) == "leave" && str(event, "name") == flooder_name) break;
    }
    flooding.join();
    const std::size_t peak = peak_rss_bytes(server.process->pid());
    std::cerr << "the flooder sent " << sent / 1024 << " KiB; " << relayed
              << " of its 10,000 messages reached the room; server peak RSS " << before / 1024
              << " KiB before, " << peak / 1024 << " KiB after\n";
    EXPECT_TRUE(server.process->wait_for_stderr("too slow: nothing read for 2 s"));
    EXPECT_EQ(server.process->stderr_text().find("33554432 bytes waiting"), std::string::npos);
    EXPECT_LT(peak, before + 16 * MiB);
    witness.send_text("still here");
    EXPECT_EQ(str(witness.next_of_type("message"), "text"), "still here");
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
        const std::size_t kernel_share = limit_kernel_buffers(idle.socket().fd());
        const std::string idle_name = join(idle);  // ... and then it reads nothing
        sender.next_of_type("join");
        // 16 MB in messages of 4,000 bytes, more than the kernel's socket buffers hold, so bytes
        // wait in the idle client's queue; the sender reads each of its own messages back.
        const std::string filler(4000, 'f');
        bool closed = false;
        for (int i = 0; i < 4000 && !closed; ++i) {
            sender.send_text(std::to_string(i) + " " + filler);
            for (;;) {
                const auto event = next_event(sender);
                if (type_of(event) == "leave" && str(event, "name") == idle_name) closed = true;
                if (type_of(event) == "message") break;
            }
        }
        while (!closed) {  // the sweep decides within the soft time (and a quarter of it)
            const auto event = next_event(sender, 30s);
            closed = type_of(event) == "leave" && str(event, "name") == idle_name;
        }
        // It finally reads: what the kernel held, then the close. Its queue was dropped, so what
        // comes before the close is at most what the socket buffers held, not the 16 MB sent.
        lesson05::testing::Received close;
        std::size_t before_close = 0;
        for (;;) {
            close = idle.next(30s);
            if (close.kind == ws::Event::Kind::close || close.kind == ws::Event::Kind::none) break;
            before_close += close.data.size();
        }
        std::cerr << "the evicted client read " << before_close << " bytes of messages before its close (the "
                  << "kernel's share is at most " << kernel_share << ")\n";
        EXPECT_LE(before_close, kernel_share) << "the evicted client's unsent frames were not dropped";
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
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        const auto line = terminal.read_line(left);
        if (!line) break;
        if (line->find(filler) != std::string::npos) ++lines;
    }
    return lines;
}

TEST(ChatBackpressureTest, ReadingClientsGetEveryMessageOfABurstAndMemoryStaysBounded) {
    // Five clients each send 1,500 messages of 4,000 bytes as fast as they can: 30 MB for
    // every receiver. They read as fast as they can, a 05-chat-client prints every line, and
    // one more client reads nothing at all. The default bounds (32 MiB, 1 MiB), but 30 s for
    // the soft time: under a sanitizer on a loaded machine, a reader can take longer than the
    // default 10 s to read 30 MB, and the policy rightly closes a reader that slow.
    ServerProcess server = start_measured_server("05-chat-server", {"--queue-soft-time", "30"});
    auto idle = ChatTestClient::connect(server.port);
    join(idle);
    ChildProcess terminal(
        {course::testing::bin_path("05-chat-client"), "--port", std::to_string(server.port), "--no-time"});
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
    EXPECT_EQ(printed, options.senders * options.per_sender)
        << "the terminal client was closed: " << terminal.stderr_text();

    // Every frame is shared: the idle client's 30 MB backlog and the readers' queues are the same
    // bytes, so the server holds about one burst, less than the hard bound, and not six.
    const std::size_t peak = peak_rss_bytes(server.process->pid());
    std::cerr << "burst of " << report.deliveries << " deliveries in " << report.burst_seconds
              << " s; server peak RSS " << before / 1024 << " KiB before, " << peak / 1024 << " KiB after\n";
    EXPECT_LT(peak, before + 32 * MiB + 16 * MiB);
}

}  // namespace
