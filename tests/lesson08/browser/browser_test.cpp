// Lesson 05's page against the cluster: two headless Chromium pages through HAProxy (the lesson's
// haproxy.cfg) in front of three 08-chat-nodes and a real redis-server, on two different nodes;
// the node of one is killed with -9, and the page comes back through HAProxy on another node,
// resumes, and misses nothing (chat_cluster.mjs says what it checks, step by step).
#include "tests/peers/peers.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/haproxy_server.hpp"
#include "tests/support/program_checks.hpp"
#include "tests/support/redis_server.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using namespace std::chrono_literals;
using course::peers::Peer;
using course::testing::ChildProcess;
using course::testing::RedisServer;
using course::testing::ServerProcess;
using course::testing::stdout_line_with;

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// The node that wrote the rename to `name`: the stream entry's field `node` ("node-PID", the
// default node name), read with redis-cli. Empty if there is none.
std::string node_of_rename(const RedisServer& redis, const std::string& name) {
    ChildProcess cli({"/usr/bin/redis-cli", "-p", std::to_string(redis.port()), "--raw", "XRANGE",
                      "test:events", "-", "+"});
    const std::string out = cli.read_all_stdout(10s).value_or("");
    cli.wait(5s);
    std::vector<std::string> lines;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    // Flat: an id, then field and value lines; an entry is a rename to `name` if it has "to"
    // followed by `name`; its "node" field may come before or after.
    std::string node;
    bool renamed = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const bool id = lines[i].find('-') != std::string::npos &&
                        lines[i].find_first_not_of("0123456789-") == std::string::npos;
        if (id) {
            if (renamed) return node;
            node.clear();
            renamed = false;
            continue;
        }
        if (i + 1 < lines.size() && lines[i] == "node") node = lines[i + 1];
        if (i + 1 < lines.size() && lines[i] == "to" && lines[i + 1] == name) renamed = true;
    }
    return renamed ? node : "";
}

TEST(ClusterBrowserTest, TwoPagesOnTwoNodesChatAndAPageWhoseNodeIsKilledResumesMissingNothing) {
    ASSERT_TRUE(course::peers::available(Peer::chromium));
    RedisServer redis;
    std::vector<ServerProcess> nodes;
    // --history 2: the greeting after the reconnect holds the last two messages only, so the
    // others the page missed come from its resume.
    for (int i = 0; i < 3; ++i) {
        nodes.push_back(course::testing::start_server(
            "08-chat-node",
            {"--redis-port", std::to_string(redis.port()), "--redis-prefix", "test", "--history", "2"}));
    }
    course::testing::HaproxyServer haproxy(read_file(LESSON08_DIR "/haproxy.cfg"),
                                           {{"NODE1_PORT", std::to_string(nodes[0].port)},
                                            {"NODE2_PORT", std::to_string(nodes[1].port)},
                                            {"NODE3_PORT", std::to_string(nodes[2].port)}});
    const std::string url = "http://127.0.0.1:" + std::to_string(haproxy.port()) + "/";
    const std::string screenshot = course::peers::output_dir() + "/lesson08-cluster.png";
    auto browser = course::peers::start_node(std::string(LESSON08_BROWSER_DIR) + "/chat_cluster.mjs",
                                             {url, "--screenshot", screenshot, "--timeout", "120"});
    ASSERT_TRUE(stdout_line_with(*browser, "WAITING kill", 60s));

    const std::string alice_node = node_of_rename(redis, "alice");
    const std::string bob_node = node_of_rename(redis, "bob");
    ASSERT_FALSE(alice_node.empty());
    ASSERT_NE(alice_node, bob_node) << "leastconn puts the second page on another node";
    bool killed = false;
    for (auto& node : nodes) {
        if ("node-" + std::to_string(node.process->pid()) != alice_node) continue;
        node.process->send_signal(SIGKILL);
        node.process->wait(5s);
        killed = true;
    }
    ASSERT_TRUE(killed) << "no node is " << alice_node;
    browser->write_stdin("killed\n");
    EXPECT_TRUE(stdout_line_with(*browser, "PASS chat-cluster:", 90s));
    EXPECT_EQ(browser->wait(15s), 0);
    EXPECT_TRUE(std::filesystem::exists(screenshot));
}

}  // namespace
