// 01-echo-client end to end against the three lesson 01 servers, and the errors a student meets.

#include "tests/support/child_process.hpp"
#include "tests/support/program_checks.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <utility>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::expect_one_line_failure;
using course::testing::ServerProcess;
using course::testing::start_server;

std::vector<std::string> client_args(std::uint16_t port, std::vector<std::string> extra = {}) {
    return course::testing::client_argv("01-echo-client", port, std::move(extra));
}

class EchoClientTest : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override { server_ = start_server(GetParam()); }
    ServerProcess server_;
};

TEST_P(EchoClientTest, EchoesStdinLinesUntilExit) {
    ChildProcess client(client_args(server_.port));
    client.write_stdin("hello\nworld\n");
    EXPECT_EQ(client.read_line(), "hello");
    EXPECT_EQ(client.read_line(), "world");
    client.write_stdin("exit\nnot sent\n");
    EXPECT_EQ(client.read_all_stdout(), "");
    EXPECT_EQ(client.wait(), 0);
}

TEST_P(EchoClientTest, EndOfInputQuits) {
    ChildProcess client(client_args(server_.port));
    client.write_stdin("last line\n");
    client.close_stdin();
    EXPECT_EQ(client.read_all_stdout(), "last line\n");
    EXPECT_EQ(client.wait(), 0);
}

TEST_P(EchoClientTest, SendsOneMessage) {
    ChildProcess client(client_args(server_.port, {"--message", "hi there"}));
    EXPECT_EQ(client.read_all_stdout(), "hi there\n");
    EXPECT_EQ(client.wait(), 0);
}

TEST_P(EchoClientTest, TimesRoundTrips) {
    ChildProcess client(client_args(server_.port, {"--count", "20", "--size", "1000"}));
    const auto out = client.read_all_stdout();
    ASSERT_TRUE(out);
    EXPECT_TRUE(std::regex_match(*out, std::regex(R"(20 round trips of 1000 bytes: min [0-9.e+]+ us, )"
                                                  R"(median [0-9.e+]+ us, max [0-9.e+]+ us\n)")))
        << *out;
    EXPECT_EQ(client.wait(), 0);
}

TEST_P(EchoClientTest, RoundTripsOneMebibyte) {
    ChildProcess client(client_args(server_.port, {"--count", "2", "--size", "1048576"}));
    const auto out = client.read_all_stdout(30s);
    ASSERT_TRUE(out);
    EXPECT_NE(out->find("2 round trips of 1048576 bytes"), std::string::npos) << *out;
    EXPECT_EQ(client.wait(), 0);
}

TEST_P(EchoClientTest, SigintWhileWaitingForInputExitsCleanly) {
    ChildProcess client(client_args(server_.port, {"--verbose"}));
    ASSERT_TRUE(client.wait_for_stderr("connected to"));
    client.send_signal(SIGINT);
    EXPECT_EQ(client.wait(), 0);
}

TEST_P(EchoClientTest, SighupWhileWaitingForInputExitsCleanly) {  // the terminal went away
    ChildProcess client(client_args(server_.port, {"--verbose"}));
    ASSERT_TRUE(client.wait_for_stderr("connected to"));
    client.send_signal(SIGHUP);
    EXPECT_EQ(client.wait(), 0);
    EXPECT_TRUE(client.wait_for_stderr("received SIGHUP, shutting down"));
}

INSTANTIATE_TEST_SUITE_P(EveryServer, EchoClientTest,
                         ::testing::Values("01-plain-echo-server", "01-echo-server", "01-echo-server-posix"),
                         [](const auto& test) {
                             if (test.param == "01-plain-echo-server") return std::string("Plain");
                             return test.param == "01-echo-server" ? std::string("Asio")
                                                                   : std::string("Posix");
                         });

TEST(EchoClientErrorsTest, ConnectionRefusedSaysSo) {
    ChildProcess client(client_args(course::testing::unused_tcp_port(), {"--message", "x"}));
    expect_one_line_failure(client, "Connection refused (is the server running?)");
}

TEST(EchoClientErrorsTest, UnknownHostSaysWhichHost) {
    ChildProcess client(client_args(7001, {"--host", "no-such-host.invalid", "--message", "x"}));
    expect_one_line_failure(client, "cannot resolve host 'no-such-host.invalid'");
}

TEST(EchoClientErrorsTest, ServerThatNeverAnswersTimesOut) {
    // A listening socket that nobody accepts from: connect succeeds, no echo ever comes.
    const course::testing::TestListener silent;
    ChildProcess client(client_args(silent.port(), {"--message", "x", "--timeout", "0.3"}));
    expect_one_line_failure(client, "no answer within 300 ms");
}

// Every duration flag of the lesson's programs is common/cli.hpp's seconds option: the same
// help text, the same short refusal.
TEST(EchoClientErrorsTest, DurationFlagsAreSecondsAndRefuseBadValuesInOneShortLine) {
    course::testing::expect_seconds_flag("01-echo-client", "--timeout", "5");
    course::testing::expect_seconds_flag("01-echo-server", "--idle-timeout", "60");
    course::testing::expect_seconds_flag("01-echo-server-posix", "--idle-timeout", "60");
}

}  // namespace
