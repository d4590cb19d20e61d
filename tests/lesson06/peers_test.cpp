// 06-loadgen against the third-party peer servers of lessons/06-load/peers/, at small scale:
// each one's echo answers every message byte for byte, and each one's chat delivers every token
// to every receiver exactly once and in its sender's order. The chats greet nobody, so the
// broadcast runs join with --join probe. Each test starts its own peer on a free port (the
// peer prints "listening on HOST:PORT" first) and ends it, even on failure (ChildProcess).
//
// FastAPI + uvicorn, Python websockets and Node ws always run (scripts/setup lesson06 installs
// them); websocketpp and Boost.Beast only in a build configured with -DCOURSE_PEERS=ON.
#include "tests/peers/peers.hpp"
#include "loadgen_run.hpp"
#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>
#include <vector>

namespace {

using lesson06::testing::run_loadgen;

enum class PeerServer { fastapi, websockets, node_ws, websocketpp, beast };
enum class Role { echo, chat };

std::string name_of(PeerServer peer) {
    switch (peer) {
    case PeerServer::fastapi: return "FastAPI";
    case PeerServer::websockets: return "PythonWebsockets";
    case PeerServer::node_ws: return "NodeWs";
    case PeerServer::websocketpp: return "Websocketpp";
    case PeerServer::beast: return "BoostBeast";
    }
    return "?";
}

// gtest shows the parameter by this name, not as bytes.
void PrintTo(PeerServer peer, std::ostream* os) { *os << name_of(peer); }

std::string script(std::string_view name) {
    return std::string(LESSON06_PEERS_DIR) + "/" + std::string(name);
}

std::vector<std::string> peer_argv(PeerServer peer, Role role) {
    const std::string suffix = role == Role::echo ? "echo" : "chat";
    switch (peer) {
    case PeerServer::fastapi: return {course::peers::python_path(), script("fastapi_" + suffix + ".py")};
    case PeerServer::websockets:
        return {course::peers::python_path(), script("websockets_" + suffix + ".py")};
    case PeerServer::node_ws:
        // ws is tests/peers' npm package; a .cjs script finds it through NODE_PATH.
        return {"/usr/bin/env", "NODE_PATH=" LESSON06_NODE_MODULES, course::peers::node_path(),
                script("node_ws_" + suffix + ".cjs")};
    case PeerServer::websocketpp: return {course::testing::bin_path("06-peer-websocketpp-" + suffix)};
    case PeerServer::beast: return {course::testing::bin_path("06-peer-beast-" + suffix)};
    }
    return {};
}

// FastAPI's ConnectionManager chat takes a client id in its path (/ws/{client_id}).
std::string chat_path(PeerServer peer) { return peer == PeerServer::fastapi ? "/ws/1" : "/ws"; }

// A peer started with --port 0 whose "listening on HOST:PORT" line was read.
struct RunningPeer {
    std::unique_ptr<course::testing::ChildProcess> process;
    std::uint16_t port = 0;
};

::testing::AssertionResult start_peer(PeerServer peer, Role role, RunningPeer& running) {
    auto argv = peer_argv(peer, role);
    argv.insert(argv.end(), {"--port", "0"});
    running.process = std::make_unique<course::testing::ChildProcess>(argv);
    // An interpreter and its imports take a moment; a loaded machine more.
    const auto line = running.process->read_line(std::chrono::seconds(30));
    const std::string prefix = "listening on ";
    if (!line || !line->starts_with(prefix)) {
        return ::testing::AssertionFailure()
               << name_of(peer) << " did not say '" << prefix << "HOST:PORT'; first line: '"
               << line.value_or("<none>") << "', stderr:\n"
               << running.process->stderr_text() << "\n(scripts/setup lesson06 installs the peers)";
    }
    running.port = static_cast<std::uint16_t>(std::stoi(line->substr(line->rfind(':') + 1)));
    return ::testing::AssertionSuccess();
}

class Lesson06PeerTest : public ::testing::TestWithParam<PeerServer> {};

TEST_P(Lesson06PeerTest, EchoAnswersEveryMessageByteForByte) {
    RunningPeer peer;
    ASSERT_TRUE(start_peer(GetParam(), Role::echo, peer));
    const std::string url = "ws://127.0.0.1:" + std::to_string(peer.port) + "/ws";
    const auto out =
        run_loadgen({"echo", url, "-c", "4", "-n", "100", "-w", "4", "-s", "100", "--timeout", "30"},
                    std::chrono::seconds(45));
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "1");
    EXPECT_EQ(out["sent"], "400");
    EXPECT_EQ(out["received"], "400");
    EXPECT_EQ(out["bad"], "0");
}

TEST_P(Lesson06PeerTest, ChatDeliversEveryTokenOnceAfterTheProbe) {
    RunningPeer peer;
    ASSERT_TRUE(start_peer(GetParam(), Role::chat, peer));
    const std::string url = "ws://127.0.0.1:" + std::to_string(peer.port) + chat_path(GetParam());
    // 12 receivers x 2 senders x 25 messages; every chat relays to the sender too, which the
    // load generator does not count.
    const auto out = run_loadgen({"broadcast", url, "-c", "12", "-k", "2", "-n", "25", "-s", "64", "--join",
                                  "probe", "--timeout", "30", "--linger", "1"},
                                 std::chrono::seconds(45));
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "1");
    EXPECT_EQ(out["expected"], "600");
    EXPECT_EQ(out["delivered"], "600");
    EXPECT_EQ(out["missing"], "0");
    EXPECT_EQ(out["duplicates"], "0");
    EXPECT_EQ(out["out_of_order"], "0");
    EXPECT_EQ(out["bad"], "0");
    EXPECT_EQ(out["stage"], "done");
}

const PeerServer all_peers[] = {PeerServer::fastapi, PeerServer::websockets, PeerServer::node_ws,
#ifdef LESSON06_CPP_PEERS
                                PeerServer::websocketpp, PeerServer::beast
#endif
};

INSTANTIATE_TEST_SUITE_P(Peers, Lesson06PeerTest, ::testing::ValuesIn(all_peers),
                         [](const auto& info) { return name_of(info.param); });

}  // namespace
