// 05-chat-server with real third-party peers: Python's websockets and Node's ws chat with each
// other through it; two headless Chromium pages and a 05-chat-client talk to each other, the page
// renders an XSS payload as text, highlights its own messages, and the pages reconnect after a
// server restart with the names they chose; a page retrying against a stopped server counts its
// attempts in one status line and says once when its name was taken meanwhile; a message of
// several lines cannot pass for another user's entry on the page.
// The peers come from tests/peers (scripts/setup lesson05 installs them; a missing one fails).
#include "tests/peers/peers.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

namespace {

using namespace std::chrono_literals;
using course::peers::Peer;
using course::testing::ChildProcess;
using course::testing::stdout_line_with;

std::string lesson_peer(std::string_view name) {
    return std::string(COURSE_LESSON05_PEERS_DIR) + "/" + std::string(name);
}

TEST(ChatPeersTest, PythonAndNodeClientsChatThroughTheServer) {
    ASSERT_TRUE(course::peers::available(Peer::python));
    ASSERT_TRUE(course::peers::available(Peer::node));
    auto server = course::testing::start_server("05-chat-server");
    const std::string url = course::peers::ws_url(server);
    auto python = course::peers::start_python(lesson_peer("chat_peer.py"), {url, "py", "node", "30"});
    auto node = course::peers::start_node(lesson_peer("chat_peer.mjs"), {url, "node", "py", "30"});
    EXPECT_TRUE(stdout_line_with(*python, "PASS chat:", 30s));
    EXPECT_TRUE(stdout_line_with(*node, "PASS chat:", 30s));
    EXPECT_EQ(python->wait(10s), 0);
    EXPECT_EQ(node->wait(10s), 0);
}

TEST(ChatBrowserTest, TwoPagesAndATerminalChatAndThePagesReconnect) {
    ASSERT_TRUE(course::peers::available(Peer::chromium));
    auto server = course::testing::start_server("05-chat-server");
    const std::uint16_t port = server.port;
    auto term = std::make_unique<ChildProcess>(std::vector<std::string>{
        course::testing::bin_path("05-chat-client"), "--port", std::to_string(port), "--no-time"});
    ASSERT_TRUE(stdout_line_with(*term, "* you are guest-1", 10s));
    term->write_stdin("/nick term\n");
    ASSERT_TRUE(stdout_line_with(*term, "* guest-1 is now term", 10s));

    const std::string screenshot = course::peers::output_dir() + "/lesson05-chat.png";
    auto browser = course::peers::start_node(
        lesson_peer("chat_browser.mjs"),
        {course::peers::http_url(server), "--screenshot", screenshot, "--timeout", "90"});
    ASSERT_TRUE(stdout_line_with(*browser, "READY", 60s));
    ASSERT_TRUE(stdout_line_with(*term, "alice: hello from alice", 20s));
    term->write_stdin("hello from terminal\n");
    EXPECT_TRUE(stdout_line_with(*term, "bob: <img src=x onerror=alert(1)>", 20s));
    ASSERT_TRUE(stdout_line_with(*browser, "WAITING restart", 30s));

    // Restart the server on the same port: the pages must notice and come back by themselves.
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(10s), 0);
    EXPECT_EQ(server.process->stderr_text().find("favicon"), std::string::npos)
        << "the page names its icon itself, so a visit logs no GET /favicon.ico -> 404:\n"
        << server.process->stderr_text();
    EXPECT_EQ(term->wait(10s), 0) << "the terminal client ends cleanly on the server's 1001";
    ChildProcess again({course::testing::bin_path("05-chat-server"), "--port", std::to_string(port)});
    ASSERT_TRUE(stdout_line_with(again, "listening on", 10s));
    EXPECT_TRUE(stdout_line_with(*browser, "PASS chat-browser:", 60s));
    EXPECT_EQ(browser->wait(15s), 0);
    EXPECT_TRUE(std::filesystem::exists(screenshot));
}

TEST(ChatBrowserTest, RetriesShowInOneStatusLineAndATakenNameIsReportedOnce) {
    ASSERT_TRUE(course::peers::available(Peer::chromium));
    auto server = course::testing::start_server("05-chat-server");
    const std::uint16_t port = server.port;  // the restart below listens on it again
    const std::string screenshot = course::peers::output_dir() + "/lesson05-reconnect.png";
    auto browser = course::peers::start_node(
        lesson_peer("chat_reconnect.mjs"),
        {course::peers::http_url(server), "--screenshot", screenshot, "--timeout", "90"});
    ASSERT_TRUE(stdout_line_with(*browser, "WAITING stop", 60s));
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(10s), 0);

    // The page retries against the closed port while the script advances its clock; then the
    // server comes back on the same port (the listener sets SO_REUSEADDR, common/listener.cpp).
    ASSERT_TRUE(stdout_line_with(*browser, "WAITING restart", 60s));
    ChildProcess again({course::testing::bin_path("05-chat-server"), "--port", std::to_string(port)});
    ASSERT_TRUE(stdout_line_with(again, "listening on", 10s));
    browser->write_stdin("restarted\n");
    EXPECT_TRUE(stdout_line_with(*browser, "PASS chat-reconnect:", 60s));
    EXPECT_EQ(browser->wait(15s), 0);
    EXPECT_TRUE(std::filesystem::exists(screenshot));
}

TEST(ChatBrowserTest, MultiLineMessageStaysInsideItsSendersEntryAndRoleNamesAreRefused) {
    ASSERT_TRUE(course::peers::available(Peer::chromium));
    auto server = course::testing::start_server("05-chat-server");
    const std::string screenshot = course::peers::output_dir() + "/lesson05-layout.png";
    const auto run = course::peers::run_node(
        lesson_peer("chat_layout.mjs"),
        {course::peers::http_url(server), "--screenshot", screenshot, "--timeout", "60"}, 70s);
    EXPECT_TRUE(course::peers::passed(run, "chat-layout"));
}

}  // namespace
