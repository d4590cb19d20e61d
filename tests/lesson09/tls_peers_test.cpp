// 09-tls-chat-server with real third-party peers over TLS, certificate verification on: Python's
// websockets (ssl module) and Node's ws chat with each other over wss:// (lesson 05's chat peers,
// unchanged, trusting the test's CA through SSL_CERT_FILE and NODE_EXTRA_CA_CERTS); without the
// CA Python refuses the server; headless Chromium chats through the page over https://.
#include "tls_test_support.hpp"

#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace {

using namespace std::chrono_literals;
using course::peers::Peer;
using course::testing::ChildProcess;
using course::testing::stdout_line_with;
using lesson09::testing::Certificates;
using lesson09::testing::start_tls_server;

std::string chat_peer(std::string_view name) {
    return std::string(COURSE_LESSON05_PEERS_DIR) + "/" + std::string(name);
}

std::string wss_url(std::uint16_t port) { return "wss://localhost:" + std::to_string(port) + "/ws"; }

TEST(TlsPeersTest, PythonAndNodeChatOverWssWithVerification) {
    ASSERT_TRUE(course::peers::available(Peer::python));
    ASSERT_TRUE(course::peers::available(Peer::node));
    const Certificates certs;
    auto server = start_tls_server(certs);
    const std::string url = wss_url(server.port);
    // Each trusts the test's CA (and the system's) and checks the name "localhost".
    ChildProcess python({"/usr/bin/env", "SSL_CERT_FILE=" + certs.ca(), course::peers::python_path(),
                         chat_peer("chat_peer.py"), url, "py", "node", "30"});
    ChildProcess node({"/usr/bin/env", "NODE_EXTRA_CA_CERTS=" + certs.ca(), course::peers::node_path(),
                       chat_peer("chat_peer.mjs"), url, "node", "py", "30"});
    EXPECT_TRUE(stdout_line_with(python, "PASS chat:", 30s));
    EXPECT_TRUE(stdout_line_with(node, "PASS chat:", 30s));
    EXPECT_EQ(python.wait(10s), 0);
    EXPECT_EQ(node.wait(10s), 0);
}

TEST(TlsPeersTest, PythonRefusesTheServerWhenItDoesNotTrustTheCa) {
    ASSERT_TRUE(course::peers::available(Peer::python));
    const Certificates certs;
    const Certificates stranger;  // another CA: its ca.pem did not sign the server's certificate
    auto server = start_tls_server(certs);
    ChildProcess python({"/usr/bin/env", "SSL_CERT_FILE=" + stranger.ca(), course::peers::python_path(),
                         chat_peer("chat_peer.py"), wss_url(server.port), "py", "node", "1"});
    EXPECT_TRUE(stdout_line_with(python, "CERTIFICATE_VERIFY_FAILED", 20s));
    EXPECT_EQ(python.wait(10s), 1);
    EXPECT_TRUE(server.process->wait_for_stderr("TLS handshake failed"));
}

TEST(TlsBrowserTest, ChromiumTrustsTheKeyAndChatsThroughThePageOverHttps) {
    ASSERT_TRUE(course::peers::available(Peer::chromium));
    const Certificates certs;
    auto server = start_tls_server(certs);
    const std::string screenshot = course::peers::output_dir() + "/lesson09-tls-chat.png";
    const auto run = course::peers::run_node(std::string(COURSE_LESSON09_PEERS_DIR) + "/tls_browser.mjs",
                                             {"https://localhost:" + std::to_string(server.port) + "/",
                                              certs.spki(), "--screenshot", screenshot, "--timeout", "60"},
                                             70s);
    EXPECT_TRUE(course::peers::passed(run, "tls-browser"));
    EXPECT_TRUE(std::filesystem::exists(screenshot));
}

}  // namespace
