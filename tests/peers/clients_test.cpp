// The WebSocket client peers (Python websockets, Node ws) against Python websockets' own echo
// server: every scenario passes, and each client notices a broken server, so that a pass
// against a lesson's server means something. Needs no lesson binary.

#include "tests/peers/peers.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <tuple>

namespace {

using namespace std::chrono_literals;
namespace peers = course::peers;
using course::testing::ServerProcess;
using peers::Peer;

const std::vector<std::string> scenarios{"text", "binary", "large", "fragmented", "ping", "close"};

peers::PeerRun run_client(Peer peer, const std::string& url, const std::string& scenario) {
    if (peer == Peer::python) return peers::run_python("ws_client.py", {url, scenario});
    return peers::run_node("ws_client.mjs", {url, scenario});
}

std::string peer_name(Peer peer) { return peer == Peer::python ? "Python" : "Node"; }

class PeerScenarioTest : public ::testing::TestWithParam<std::tuple<Peer, std::string>> {
protected:
    void SetUp() override {
        ASSERT_TRUE(peers::available(Peer::python));  // the echo server is Python's
        ASSERT_TRUE(peers::available(peer()));
        server_ = peers::start_echo_server();
    }
    Peer peer() const { return std::get<0>(GetParam()); }
    const std::string& scenario() const { return std::get<1>(GetParam()); }

    ServerProcess server_;
};

TEST_P(PeerScenarioTest, PassesAgainstPythonEchoServer) {
    const auto run = run_client(peer(), peers::ws_url(server_), scenario());
    EXPECT_TRUE(peers::passed(run, scenario()));
}

INSTANTIATE_TEST_SUITE_P(Clients, PeerScenarioTest,
                         ::testing::Combine(::testing::Values(Peer::python, Peer::node),
                                            ::testing::ValuesIn(scenarios)),
                         [](const auto& test) {
                             std::string scenario = std::get<1>(test.param);
                             scenario[0] = static_cast<char>(std::toupper(scenario[0]));
                             return peer_name(std::get<0>(test.param)) + scenario;
                         });

class PeerClientTest : public ::testing::TestWithParam<Peer> {
protected:
    void SetUp() override {
        ASSERT_TRUE(peers::available(Peer::python));
        ASSERT_TRUE(peers::available(GetParam()));
    }

    // The echo server's event lines after its listening line, up to the connection's close.
    static std::vector<std::string> events(const ServerProcess& server) {
        std::vector<std::string> lines;
        while (auto line = server.process->read_line(5s)) {
            lines.push_back(*line);
            if (line->rfind("close", 0) == 0) break;
        }
        return lines;
    }
};

// The server saw one message per fragmented send: the client really sent continuation frames
// that a third-party server reassembled (the echo alone would not show it).
TEST_P(PeerClientTest, FragmentsArriveAsOneMessageEach) {
    auto server = peers::start_echo_server();
    EXPECT_TRUE(peers::passed(run_client(GetParam(), peers::ws_url(server), "fragmented"), "fragmented"));
    EXPECT_EQ(events(server),
              (std::vector<std::string>{"open /ws", "text 23", "binary 500", "text 12", "close 1000 "}));
}

TEST_P(PeerClientTest, ClosesWithCodeAndReason) {
    auto server = peers::start_echo_server();
    EXPECT_TRUE(peers::passed(run_client(GetParam(), peers::ws_url(server), "close"), "close"));
    EXPECT_EQ(events(server), (std::vector<std::string>{"open /ws", "text 12", "close 1000 bye"}));
}

TEST_P(PeerClientTest, NoticesAWrongEcho) {
    auto server = peers::start_echo_server({"--corrupt"});
    EXPECT_TRUE(peers::failed(run_client(GetParam(), peers::ws_url(server), "text"), "text", "but received"));
    EXPECT_TRUE(peers::failed(run_client(GetParam(), peers::ws_url(server), "binary"), "binary",
                              "first difference at byte 0"));
}

// RFC 6455 7.4.1: 1009 is "message too big"; the large scenario must not pass quietly.
TEST_P(PeerClientTest, NoticesAServerThatRefusesALargeMessage) {
    auto server = peers::start_echo_server({"--max-message", "1000"});
    EXPECT_TRUE(peers::failed(run_client(GetParam(), peers::ws_url(server), "large"), "large", "1009"));
}

TEST_P(PeerClientTest, ReportsARefusedConnection) {
    const std::string url = "ws://127.0.0.1:" + std::to_string(course::testing::unused_tcp_port()) + "/ws";
    EXPECT_TRUE(peers::failed(run_client(GetParam(), url, "text"), "text", ""));
}

INSTANTIATE_TEST_SUITE_P(Clients, PeerClientTest, ::testing::Values(Peer::python, Peer::node),
                         [](const auto& test) { return peer_name(test.param); });

}  // namespace
