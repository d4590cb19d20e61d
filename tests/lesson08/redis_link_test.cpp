// RedisLink against a real redis-server (tests/support/redis_server.hpp): commands and the
// replies of every type, binary-safe arguments, pipelining up to the bound, a blocking XREAD
// on a link of its own, the coroutine form.
#include "link_harness.hpp"

#include <gtest/gtest.h>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>

#include <iostream>

namespace lesson08 {
namespace {

using course::testing::RedisServer;
using testing::LinkHarness;
using Type = RedisReply::Type;
using namespace std::chrono_literals;

class RedisLinkTest : public ::testing::Test {
protected:
    RedisServer server;
    LinkHarness harness;
};

TEST_F(RedisLinkTest, ReportsConnectingThenUpOnceRedisAnswers) {
    auto link = harness.make_up_link(server);
    const auto& states = harness.states(*link);
    ASSERT_EQ(states.size(), 2u);
    EXPECT_EQ(states[0].state, RedisLinkState::connecting);
    EXPECT_EQ(states[1].state, RedisLinkState::up);
    EXPECT_EQ(link->stats().connects, 1u);
    EXPECT_EQ(link->last_error(), "");
}

TEST_F(RedisLinkTest, RepliesOfEveryType) {
    auto link = harness.make_up_link(server);
    EXPECT_EQ(harness.call(*link, {"SET", "greeting", "hello"}), RedisReply::make_status("OK"));
    EXPECT_EQ(harness.call(*link, {"GET", "greeting"}), RedisReply::make_string("hello"));
    EXPECT_EQ(harness.call(*link, {"GET", "missing"}), RedisReply::make_nil());
    EXPECT_EQ(harness.call(*link, {"INCR", "counter"}), RedisReply::make_integer(1));
    EXPECT_EQ(harness.call(*link, {"INCRBY", "counter", "-5"}), RedisReply::make_integer(-4));

    const RedisReply not_a_number = harness.call(*link, {"INCR", "greeting"});
    EXPECT_EQ(not_a_number.type, Type::error);
    EXPECT_EQ(not_a_number.error_code(), "ERR") << describe(not_a_number);
    EXPECT_FALSE(not_a_number.is_link_error());
    EXPECT_EQ(harness.call(*link, {"LPUSH", "greeting", "x"}).error_code(), "WRONGTYPE");

    const RedisReply id = harness.call(*link, {"XADD", "chat", "*", "from", "ann", "text", "hi"});
    ASSERT_EQ(id.type, Type::string) << describe(id);
    const RedisReply range = harness.call(*link, {"XRANGE", "chat", "-", "+"});
    // [[id, [from, ann, text, hi]]]
    const RedisReply fields =
        RedisReply::make_array({RedisReply::make_string("from"), RedisReply::make_string("ann"),
                                RedisReply::make_string("text"), RedisReply::make_string("hi")});
    EXPECT_EQ(range, RedisReply::make_array({RedisReply::make_array({id, fields})})) << describe(range);

    harness.call(*link, {"HSET", "member:ann", "node", "n1", "since", "1700000000"});
    const RedisReply hash = harness.call(*link, {"HGETALL", "member:ann"});
    ASSERT_EQ(hash.type, Type::array) << describe(hash);
    EXPECT_EQ(hash.elements.size(), 4u);
    EXPECT_EQ(harness.call(*link, {"HGETALL", "member:nobody"}), RedisReply::make_array({}));
    EXPECT_EQ(link->stats().replies, 12u);
    EXPECT_EQ(link->in_flight(), 0u);
}

TEST_F(RedisLinkTest, ArgumentsAreBinarySafe) {
    auto link = harness.make_up_link(server);
    std::string every_byte;
    for (int byte = 0; byte < 256; ++byte) every_byte += static_cast<char>(byte);
    const std::string key("key\0with NUL\r\n", 14);
    EXPECT_EQ(harness.call(*link, {"SET", key, every_byte}), RedisReply::make_status("OK"));
    EXPECT_EQ(harness.call(*link, {"GET", key}), RedisReply::make_string(every_byte));
    EXPECT_EQ(harness.call(*link, {"STRLEN", key}), RedisReply::make_integer(256));
    EXPECT_EQ(harness.call(*link, {"GET", "key"}), RedisReply::make_nil());  // the NUL is part of the key
    EXPECT_EQ(harness.call(*link, {"SET", "empty", ""}), RedisReply::make_status("OK"));
    EXPECT_EQ(harness.call(*link, {"GET", "empty"}), RedisReply::make_string(""));
}

TEST_F(RedisLinkTest, PipelinesUpToTheBoundInOrderAndRefusesBeyondIt) {
    RedisLinkOptions options;
    options.max_in_flight = 1000;
    auto link = harness.make_up_link(server, options);

    std::vector<std::int64_t> answers;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) {
        link->command({"INCR", "pipelined"},
                      [&answers](RedisReply reply) { answers.push_back(reply.integer); });
    }
    EXPECT_EQ(link->in_flight(), 1000u);
    std::optional<RedisReply> refused;
    link->command({"INCR", "pipelined"}, [&refused](RedisReply reply) { refused = std::move(reply); });
    EXPECT_FALSE(refused) << "a refusal is posted, never called inside command()";

    ASSERT_TRUE(harness.run_until([&] { return answers.size() == 1000 && refused; }));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    for (int i = 0; i < 1000; ++i) ASSERT_EQ(answers[i], i + 1) << "reply " << i;
    EXPECT_EQ(refused->text, "LINK busy: 1000 commands in flight");
    EXPECT_EQ(link->stats().refused, 1u);
    EXPECT_EQ(harness.call(*link, {"GET", "pipelined"}), RedisReply::make_string("1000"));
    std::cout << "[ measured ] 1000 pipelined INCR in "
              << std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count() << " us\n";
}

TEST_F(RedisLinkTest, XreadBlockOnItsOwnLinkIsWokenByXaddOnTheOther) {
    auto commands = harness.make_up_link(server);
    auto reader = harness.make_up_link(server);
    // A blocking command occupies its link: give it a timeout longer than its BLOCK time.
    std::optional<RedisReply> read;
    reader->command(
        {"XREAD", "COUNT", "10", "BLOCK", "5000", "STREAMS", "room", "$"},
        [&read](RedisReply reply) { read = std::move(reply); }, 7s);
    // The command link is not held up by the blocked one: PING it until the XREAD is surely
    // parked in Redis (it blocked once CLIENT LIST shows a client in cmd=xread).
    ASSERT_TRUE(harness.run_until([&] {
        const RedisReply clients = harness.call(*commands, {"CLIENT", "LIST"});
        return clients.text.find("cmd=xread") != std::string::npos;
    }));
    EXPECT_FALSE(read);
    const RedisReply id = harness.call(*commands, {"XADD", "room", "*", "text", "wake up"});
    ASSERT_TRUE(harness.run_until([&] { return read.has_value(); }));
    // [[room, [[id, [text, wake up]]]]]
    const RedisReply entry = RedisReply::make_array(
        {id, RedisReply::make_array({RedisReply::make_string("text"), RedisReply::make_string("wake up")})});
    EXPECT_EQ(*read, RedisReply::make_array({RedisReply::make_array(
                         {RedisReply::make_string("room"), RedisReply::make_array({entry})})}))
        << describe(*read);
}

TEST_F(RedisLinkTest, XreadBlockThatTimesOutInRedisIsANilReplyNotALinkError) {
    auto reader = harness.make_up_link(server);
    const RedisReply reply = harness.call(*reader, {"XREAD", "BLOCK", "100", "STREAMS", "quiet", "$"}, 2s);
    EXPECT_EQ(reply, RedisReply::make_nil()) << describe(reply);
    EXPECT_EQ(reader->state(), RedisLinkState::up);
}

TEST_F(RedisLinkTest, CoroutinesAwaitReplies) {
    auto link = harness.make_up_link(server);
    std::vector<RedisReply> seen;
    bool finished = false;
    asio::co_spawn(
        harness.io,
        [&]() -> asio::awaitable<void> {
            // GCC 12 cannot compile a braced list of strings inside co_await ("array used as
            // initializer"): name the vector first.
            const std::vector<std::string> set{"SET", "co", "routine"};
            seen.push_back(co_await link->command(set));
            std::vector<std::string> append{"APPEND", "co", "s"};
            seen.push_back(co_await link->command(std::move(append)));
            const std::vector<std::string> get{"GET", "co"};
            seen.push_back(co_await link->command(get, 1s));
            const std::vector<std::string> subscribe{"SUBSCRIBE", "news"};
            seen.push_back(co_await link->command(subscribe));
            finished = true;
        },
        asio::detached);
    ASSERT_TRUE(harness.run_until([&] { return finished; }));
    EXPECT_EQ(seen[0], RedisReply::make_status("OK"));
    EXPECT_EQ(seen[1], RedisReply::make_integer(8));
    EXPECT_EQ(seen[2], RedisReply::make_string("routines"));
    EXPECT_TRUE(seen[3].is_link_error()) << describe(seen[3]);
}

TEST_F(RedisLinkTest, RefusesPubSubMonitorAndEmptyCommands) {
    auto link = harness.make_up_link(server);
    for (const std::vector<std::string>& argv : std::vector<std::vector<std::string>>{
             {}, {"subscribe", "x"}, {"PSUBSCRIBE", "x*"}, {"MONITOR"}, {"client", "REPLY", "OFF"}}) {
        const RedisReply reply = harness.call(*link, argv);
        EXPECT_TRUE(reply.is_link_error()) << describe(reply);
        EXPECT_NE(reply.text.find("refused"), std::string::npos) << reply.text;
    }
    EXPECT_EQ(harness.call(*link, {"PING"}), RedisReply::make_status("PONG"));  // still fine
}

TEST_F(RedisLinkTest, CommandsGivenWhileConnectingAreSentOnceConnected) {
    auto link = harness.make_link(server.port());
    EXPECT_EQ(link->state(), RedisLinkState::connecting);
    const RedisReply reply = harness.call(*link, {"ECHO", "early"});
    EXPECT_EQ(reply, RedisReply::make_string("early"));
    EXPECT_EQ(link->state(), RedisLinkState::up);
}

TEST_F(RedisLinkTest, MeasuresTheRoundTripOfOneCommand) {
    auto link = harness.make_up_link(server);
    constexpr int rounds = 2000;  // one at a time: each waits for the previous reply
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < rounds; ++i)
        ASSERT_EQ(harness.call(*link, {"PING"}), RedisReply::make_status("PONG"));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    std::cout << "[ measured ] PING round trip: "
              << std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed).count() / rounds / 1000.0
              << " us (mean of " << rounds << ")\n";
}

}  // namespace
}  // namespace lesson08
