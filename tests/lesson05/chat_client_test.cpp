// 05-chat-client as a process: it shows what arrives and sends what is typed.
#include "chat_test_client.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace {

using namespace std::chrono_literals;
using course::testing::ChildProcess;
using course::testing::start_server;
using course::testing::stdout_line_with;
using lesson05::testing::ChatTestClient;
using lesson05::testing::type_of;

std::string str(const lesson05::json::Object& o, std::string_view key) {
    return std::string(o.string(key).value_or(""));
}

std::unique_ptr<ChildProcess> start_client(std::uint16_t port, std::vector<std::string> extra = {}) {
    extra.insert(extra.begin(), "--no-time");
    return std::make_unique<ChildProcess>(
        course::testing::client_argv("05-chat-client", port, std::move(extra)));
}

TEST(WsChatClientTest, ShowsEventsAndSendsWhatIsTyped) {
    auto server = start_server("05-chat-server");
    auto peer = ChatTestClient::connect(server.port);
    peer.next_of_type("join");
    auto client = start_client(server.port);
    EXPECT_TRUE(stdout_line_with(*client, "* you are guest-2; 2 online: guest-1, guest-2"));
    EXPECT_EQ(str(peer.next_of_type("join"), "name"), "guest-2");

    peer.send_text("hello \x1b[31mterminal");
    peer.next_of_type("message");  // our own, back
    EXPECT_TRUE(stdout_line_with(*client, "guest-1: hello \\x1b[31mterminal"));
    client->write_stdin("hi \"there\"\n");
    EXPECT_EQ(str(peer.next_of_type("message"), "text"), "hi \"there\"");
    client->write_stdin("/nick termina1\n");
    EXPECT_EQ(str(peer.next_of_type("rename"), "to"), "termina1");
    EXPECT_TRUE(stdout_line_with(*client, "* guest-2 is now termina1"));
    client->write_stdin("/who\n");
    EXPECT_TRUE(stdout_line_with(*client, "* 2 online:"));
    client->write_stdin("/quit\n");
    EXPECT_EQ(client->wait(), 0) << "a clean closing handshake";
    EXPECT_EQ(str(peer.next_of_type("leave"), "name"), "termina1");
}

TEST(WsChatClientTest, EndOfInputLeavesCleanly) {
    auto server = start_server("05-chat-server");
    auto client = start_client(server.port);
    EXPECT_TRUE(stdout_line_with(*client, "* you are guest-1"));
    client->close_stdin();
    EXPECT_EQ(client->wait(), 0);
}

TEST(WsChatClientTest, ServerShutdownEndsTheClient) {
    auto server = start_server("05-chat-server");
    auto client = start_client(server.port);
    EXPECT_TRUE(stdout_line_with(*client, "* you are guest-1"));
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(client->wait(), 0) << "the server's 1001 close is a clean closing handshake";
    EXPECT_TRUE(client->wait_for_stderr("1001"));
}

TEST(WsChatClientTest, SighupLeavesWithGoingAwayAndExitsZero) {  // the terminal went away
    auto server = start_server("05-chat-server");
    auto peer = ChatTestClient::connect(server.port);
    peer.next_of_type("join");
    auto client = start_client(server.port);
    EXPECT_TRUE(stdout_line_with(*client, "* you are guest-2"));
    client->send_signal(SIGHUP);
    EXPECT_EQ(client->wait(), 0) << "a clean closing handshake";
    EXPECT_TRUE(client->wait_for_stderr("received SIGHUP, shutting down"));
    EXPECT_EQ(str(peer.next_of_type("leave"), "name"), "guest-2");
}

TEST(WsChatClientTest, RefusedConnectionIsReportedNotHung) {
    auto server = start_server("05-chat-server");
    const std::uint16_t port = server.port;
    server.process->send_signal(SIGTERM);
    ASSERT_EQ(server.process->wait(), 0);
    auto client = start_client(port);
    EXPECT_NE(client->wait(), 0);
    EXPECT_TRUE(client->wait_for_stderr("cannot connect"));
}

TEST(WsChatClientTest, HostNamesResolve) {  // --host localhost once failed with "Invalid argument"
    auto server = start_server("05-chat-server");
    auto client = start_client(server.port, {"--host", "localhost"});
    EXPECT_TRUE(stdout_line_with(*client, "* you are guest-1")) << client->stderr_text();
    client->close_stdin();
    EXPECT_EQ(client->wait(), 0);
}

TEST(WsChatClientTest, CtrlCWhileTheServerHasNotAnsweredExitsZeroAtOnce) {
    course::testing::TestListener silent;  // accepts (in the kernel's backlog) and never answers
    auto client = start_client(silent.port(), {"--verbose"});
    ASSERT_TRUE(client->wait_for_stderr("connected to 127.0.0.1:")) << client->stderr_text();
    ASSERT_TRUE(client->wait_until_catching(SIGINT));
    client->send_signal(SIGINT);
    EXPECT_EQ(client->wait(2s), 0) << "Ctrl-C ends the handshake wait, not the 10 s timeout"
                                   << client->stderr_text();
    EXPECT_TRUE(client->wait_for_stderr("received SIGINT, shutting down"));
}

TEST(WsChatClientTest, ASilentServerFailsAfterTheConnectTimeout) {
    course::testing::TestListener silent;
    auto client = start_client(silent.port(), {"--connect-timeout", "0.3"});
    EXPECT_EQ(client->wait(5s), 1);
    EXPECT_TRUE(
        client->wait_for_stderr("no WebSocket connection within 0.3 s (waiting for the server's answer)"))
        << client->stderr_text();
}

// Every duration flag of the lesson's programs is common/cli.hpp's seconds option: the same
// help text, the same short refusal.
TEST(WsChatClientTest, DurationFlagsOfBothProgramsAreSecondsAndRefuseBadValuesInOneShortLine) {
    course::testing::expect_seconds_flag("05-chat-server", "--handshake-timeout", "10");
    course::testing::expect_seconds_flag("05-chat-server", "--ping-interval", "30");
    course::testing::expect_seconds_flag("05-chat-server", "--idle-timeout", "75");
    course::testing::expect_seconds_flag("05-chat-server", "--close-timeout", "3");
    course::testing::expect_seconds_flag("05-chat-server", "--queue-soft-time", "10");
    course::testing::expect_seconds_flag("05-chat-client", "--connect-timeout", "10");
}

}  // namespace
