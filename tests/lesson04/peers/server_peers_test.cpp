// 04-ws-server with real third-party clients: Python's websockets and Node's ws each run every
// echo scenario of tests/peers (text, binary, 1 MiB, fragmented, ping, clean close) against it.
// A library written by other people, against the RFC, is the strictest reviewer of our framing.

#include "tests/peers/peers.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <tuple>

namespace {

using namespace std::chrono_literals;
namespace peers = course::peers;
using peers::Peer;

const std::vector<std::string> scenarios{"text", "binary", "large", "fragmented", "ping", "close"};

std::string peer_name(Peer peer) { return peer == Peer::python ? "PythonWebsockets" : "NodeWs"; }

class WsServerPeerTest : public ::testing::TestWithParam<std::tuple<Peer, std::string>> {
protected:
    void SetUp() override {
        ASSERT_TRUE(peers::available(peer()));
        server_ = course::testing::start_server("04-ws-server");
    }
    Peer peer() const { return std::get<0>(GetParam()); }
    const std::string& scenario() const { return std::get<1>(GetParam()); }

    course::testing::ServerProcess server_;
};

TEST_P(WsServerPeerTest, EchoesForAThirdPartyClient) {
    const std::string url = peers::ws_url(server_, "/ws");
    const auto run = peer() == Peer::python ? peers::run_python("ws_client.py", {url, scenario()})
                                            : peers::run_node("ws_client.mjs", {url, scenario()});
    EXPECT_TRUE(peers::passed(run, scenario()));
    // Whatever the client did, the server is still there for the next one.
    EXPECT_EQ(server_.process->wait(0ms), std::nullopt) << "04-ws-server exited";
}

INSTANTIATE_TEST_SUITE_P(Peers, WsServerPeerTest,
                         ::testing::Combine(::testing::Values(Peer::python, Peer::node),
                                            ::testing::ValuesIn(scenarios)),
                         [](const auto& test) {
                             std::string scenario = std::get<1>(test.param);
                             scenario[0] = static_cast<char>(std::toupper(scenario[0]));
                             return peer_name(std::get<0>(test.param)) + scenario;
                         });

// Two different libraries at once, each sending 1 MiB messages: the sessions are independent
// (no message of one shows up on the other, neither waits for the other to finish).
TEST(WsServerConcurrencyTest, PythonAndNodeClientsAtOnce) {
    ASSERT_TRUE(peers::available(Peer::python));
    ASSERT_TRUE(peers::available(Peer::node));
    auto server = course::testing::start_server("04-ws-server");
    const std::string url = peers::ws_url(server, "/ws");
    auto python = peers::start_python("ws_client.py", {url, "large"});
    auto node = peers::start_node("ws_client.mjs", {url, "large"});
    for (auto* client : {python.get(), node.get()}) {
        EXPECT_EQ(client->wait(20s), 0);
        const auto out = client->read_all_stdout(5s).value_or("<no output>");
        EXPECT_EQ(out.rfind("PASS large:", 0), 0u) << out;
    }
    EXPECT_EQ(server.process->wait(0ms), std::nullopt) << "04-ws-server exited";
}

// RFC 6455 7.4.1: a message over the server's limit is refused with 1009 (message too big); a
// third-party client sees that code instead of an echo.
class WsServerLimitTest : public ::testing::TestWithParam<Peer> {};

TEST_P(WsServerLimitTest, MessageOverTheLimitIsRefusedWith1009) {
    ASSERT_TRUE(peers::available(GetParam()));
    auto server = course::testing::start_server("04-ws-server", {"--max-message", "1000"});
    const std::string url = peers::ws_url(server, "/ws");
    const auto run = GetParam() == Peer::python ? peers::run_python("ws_client.py", {url, "large"})
                                                : peers::run_node("ws_client.mjs", {url, "large"});
    EXPECT_TRUE(peers::failed(run, "large", "1009"));
    EXPECT_EQ(server.process->wait(0ms), std::nullopt) << "04-ws-server exited";
}

INSTANTIATE_TEST_SUITE_P(Peers, WsServerLimitTest, ::testing::Values(Peer::python, Peer::node),
                         [](const auto& test) { return peer_name(test.param); });

}  // namespace
