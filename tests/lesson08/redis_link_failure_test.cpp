// RedisLink when things go wrong, against a real redis-server: nobody listening, a Redis that
// stalls (CLIENT PAUSE) or freezes (SIGSTOP), a Redis killed and restarted on the same port,
// and stop() with commands in flight. Every failed command gets exactly one callback.
#include "link_harness.hpp"

#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <map>

namespace lesson08 {
namespace {

using course::testing::RedisServer;
using testing::LinkHarness;
using namespace std::chrono_literals;

// Counts the callbacks of each command: every one must be called exactly once.
class CallbackLedger {
public:
    RedisLink::ReplyCallback callback(int id) {
        return [this, id](RedisReply reply) {
            ++calls_[id];
            last_[id] = std::move(reply);
        };
    }
    int calls(int id) const { return calls_.count(id) ? calls_.at(id) : 0; }
    const RedisReply& last(int id) const { return last_.at(id); }
    std::size_t answered() const { return calls_.size(); }

private:
    std::map<int, int> calls_;
    std::map<int, RedisReply> last_;
};

TEST(RedisLinkDownTest, NobodyListeningMeansDownAndRetriesWithBackoff) {
    LinkHarness harness;
    const std::uint16_t port = course::testing::unused_tcp_port();
    auto link = harness.make_link(port);
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::down; }));
    EXPECT_NE(link->last_error().find("Connection refused"), std::string::npos) << link->last_error();
    EXPECT_NE(link->last_error().find("127.0.0.1:" + std::to_string(port)), std::string::npos);

    // While down, commands fail at once, with the reason.
    const RedisReply reply = harness.call(*link, {"GET", "x"});
    EXPECT_TRUE(reply.is_link_error());
    EXPECT_NE(reply.text.find("LINK down: connect to"), std::string::npos) << reply.text;

    // 100 ms, 200 ms, 400 ms (each with jitter): at least three attempts within 1.5 s.
    const auto& states = harness.states(*link);
    ASSERT_TRUE(harness.run_until(
        [&] {
            return std::count_if(states.begin(), states.end(),
                                 [](const auto& s) { return s.state == RedisLinkState::connecting; }) >= 3;
        },
        1500ms));
    EXPECT_EQ(link->stats().connects, 0u);
}

TEST(RedisLinkDownTest, RedisStallingPastTheTimeoutBreaksTheLinkWhichReconnects) {
    RedisServer server;
    LinkHarness harness;
    RedisLinkOptions options;
    options.command_timeout = 300ms;
    options.connect_timeout = 3s;
    auto link = harness.make_up_link(server, options);

    // CLIENT PAUSE: Redis keeps every connection and answers nobody for 1 s.
    ASSERT_EQ(server.command_line({"CLIENT", "PAUSE", "1000", "ALL"}), "+OK");
    const auto paused = std::chrono::steady_clock::now();
    CallbackLedger ledger;
    link->command({"GET", "x"}, ledger.callback(1));
    link->command({"INCR", "y"}, ledger.callback(2), 5s);  // a longer timeout of its own
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::down; }));
    EXPECT_EQ(link->last_error(), "timeout: no reply to GET within 300 ms");
    EXPECT_EQ(ledger.calls(1), 1);
    EXPECT_EQ(ledger.calls(2), 1);
    EXPECT_EQ(ledger.last(1).text, "LINK timeout: no reply to GET within 300 ms");
    EXPECT_EQ(link->stats().timeouts, 1u);

    // It reconnects; Redis answers the new connection's PING once the pause is over.
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::up; }, 5s));
    EXPECT_GE(std::chrono::steady_clock::now() - paused, 900ms);
    EXPECT_EQ(harness.call(*link, {"PING"}), RedisReply::make_status("PONG"));
    EXPECT_EQ(ledger.calls(1), 1);
    EXPECT_EQ(ledger.calls(2), 1);
    EXPECT_EQ(link->stats().connects, 2u);
}

TEST(RedisLinkDownTest, AFrozenRedisIsNoticedByTheIdlePing) {
    RedisServer server;
    LinkHarness harness;
    RedisLinkOptions options;
    options.ping_interval = 200ms;
    options.command_timeout = 300ms;
    auto link = harness.make_up_link(server, options);

    server.pause();  // SIGSTOP: the TCP connection stays, nothing answers, no command is in flight
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::down; }, 3s));
    EXPECT_EQ(link->last_error(), "timeout: no reply to PING within 300 ms");
    server.resume();
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::up; }, 8s))
        << link->last_error();
}

TEST(RedisLinkDownTest, RedisKilledFailsEveryCommandInFlightOnce) {
    RedisServer server;
    LinkHarness harness;
    auto link = harness.make_up_link(server);
    auto reader = harness.make_up_link(server);

    CallbackLedger ledger;
    reader->command({"XREAD", "BLOCK", "20000", "STREAMS", "room", "$"}, ledger.callback(0), 25s);
    // Wait until the XREAD is parked in Redis, then queue more behind it on the same link.
    ASSERT_TRUE(harness.run_until([&] {
        return harness.call(*link, {"CLIENT", "LIST"}).text.find("cmd=xread") != std::string::npos;
    }));
    for (int id = 1; id <= 5; ++id) reader->command({"INCR", "n"}, ledger.callback(id));
    EXPECT_EQ(reader->in_flight(), 6u);

    server.kill();
    ASSERT_TRUE(harness.run_until(
        [&] { return reader->state() == RedisLinkState::down && link->state() == RedisLinkState::down; }));
    for (int id = 0; id <= 5; ++id) {
        EXPECT_EQ(ledger.calls(id), 1) << "command " << id;
        EXPECT_TRUE(ledger.last(id).is_link_error()) << describe(ledger.last(id));
        EXPECT_EQ(ledger.last(id).text.rfind("LINK down: ", 0), 0u) << ledger.last(id).text;
    }
    EXPECT_EQ(reader->in_flight(), 0u);
    EXPECT_EQ(reader->stats().failed, 6u);
    // Retries against a dead port must not call anything again.
    harness.run_for(500ms);
    for (int id = 0; id <= 5; ++id) EXPECT_EQ(ledger.calls(id), 1) << "command " << id;
    EXPECT_EQ(ledger.answered(), 6u);
}

TEST(RedisLinkDownTest, RedisRestartedOnTheSamePortBringsTheLinkBackWithinTheBackoffBound) {
    RedisServer server;
    LinkHarness harness;
    RedisLinkOptions options;
    options.backoff_initial = 100ms;
    options.backoff_max = 1000ms;
    auto link = harness.make_up_link(server, options);
    EXPECT_EQ(harness.call(*link, {"SET", "before", "1"}), RedisReply::make_status("OK"));

    server.kill();
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::down; }));
    // Let a few attempts fail, so that the backoff has grown to its maximum.
    harness.run_for(1500ms);
    EXPECT_GE(std::count_if(harness.states(*link).begin(), harness.states(*link).end(),
                            [](const auto& s) { return s.state == RedisLinkState::down; }),
              3);

    server.restart();
    const auto restarted = std::chrono::steady_clock::now();
    // The next attempt comes within backoff_max; the connect itself takes a moment more.
    ASSERT_TRUE(
        harness.run_until([&] { return link->state() == RedisLinkState::up; }, options.backoff_max + 1000ms))
        << link->last_error();
    std::cout << "[ measured ] up again "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       restarted)
                     .count()
              << " ms after the restart (backoff max " << options.backoff_max.count() << " ms)\n";
    EXPECT_EQ(link->stats().connects, 2u);
    // A restarted Redis without persistence starts empty: the link works, the data is gone.
    EXPECT_EQ(harness.call(*link, {"GET", "before"}), RedisReply::make_nil());
}

TEST(RedisLinkStopTest, StopFailsEveryCommandInFlightOnceBeforeItReturns) {
    RedisServer server;
    LinkHarness harness;
    auto link = harness.make_up_link(server);
    CallbackLedger ledger;
    for (int id = 0; id < 100; ++id) link->command({"INCR", "n"}, ledger.callback(id));
    link->stop();
    EXPECT_EQ(ledger.answered(), 100u);  // before stop() returned
    for (int id = 0; id < 100; ++id) {
        EXPECT_EQ(ledger.calls(id), 1);
        EXPECT_EQ(ledger.last(id).text, "LINK stopped");
    }
    EXPECT_EQ(link->state(), RedisLinkState::stopped);
    EXPECT_EQ(harness.states(*link).back().state, RedisLinkState::stopped);
    EXPECT_EQ(link->in_flight(), 0u);

    harness.run_for(300ms);
    for (int id = 0; id < 100; ++id) EXPECT_EQ(ledger.calls(id), 1);
    EXPECT_EQ(harness.call(*link, {"PING"}).text, "LINK stopped");
    link->stop();                                 // again: nothing happens
    EXPECT_EQ(harness.states(*link).size(), 3u);  // connecting, up, stopped
}

TEST(RedisLinkStopTest, AReplyCallbackMayStopTheLink) {
    RedisServer server;
    LinkHarness harness;
    auto link = harness.make_up_link(server);
    CallbackLedger ledger;
    link->command({"PING"}, [&](RedisReply) { link->stop(); });
    for (int id = 1; id <= 10; ++id) link->command({"INCR", "n"}, ledger.callback(id));
    ASSERT_TRUE(harness.run_until([&] { return ledger.answered() == 10; }));
    for (int id = 1; id <= 10; ++id) EXPECT_EQ(ledger.last(id).text, "LINK stopped");
    harness.run_for(200ms);
    for (int id = 1; id <= 10; ++id) EXPECT_EQ(ledger.calls(id), 1);
}

TEST(RedisLinkStopTest, AReplyCallbackMayDestroyTheLink) {
    RedisServer server;
    LinkHarness harness;
    auto link = harness.make_up_link(server);
    CallbackLedger ledger;
    link->command({"PING"}, [&](RedisReply) { link.reset(); });
    link->command({"INCR", "n"}, ledger.callback(1));
    ASSERT_TRUE(harness.run_until([&] { return ledger.answered() == 1; }));
    EXPECT_EQ(ledger.last(1).text, "LINK stopped");
    EXPECT_EQ(link, nullptr);
    harness.run_for(200ms);
}

TEST(RedisLinkStopTest, StopWhileDownEndsTheRetries) {
    LinkHarness harness;
    auto link = harness.make_link(course::testing::unused_tcp_port());
    ASSERT_TRUE(harness.run_until([&] { return link->state() == RedisLinkState::down; }));
    link->stop();
    const std::size_t changes = harness.states(*link).size();
    harness.run_for(500ms);
    EXPECT_EQ(harness.states(*link).size(), changes);
    EXPECT_EQ(link->state(), RedisLinkState::stopped);
}

}  // namespace
}  // namespace lesson08
