// 06-loadgen over wss:// against lesson 09's 09-tls-chat-server, with a CA and a server
// certificate made by lesson 09's make_certs.sh (tests/lesson09/tls_test_support): replies are
// counted exactly, an unknown CA is refused, --insecure connects, --tls-resume resumes. As in
// loadgen_test.cpp, no test looks at a speed.
#include "loadgen_run.hpp"
#include "tls_test_support.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using lesson06::testing::run_loadgen;
using lesson09::testing::Certificates;
using lesson09::testing::start_tls_server;

std::string wss_url(const course::testing::ServerProcess& server) {
    return "wss://localhost:" + std::to_string(server.port) + "/ws";  // the certificate is for localhost
}

TEST(LoadgenTlsTest, EchoOverWssToTheTlsChatCountsEveryReply) {
    Certificates certs;
    auto server = start_tls_server(certs, {"--history", "0"});
    // The chat answers a room of one with {"type":"message",...,"text":"<the message>"}.
    const auto out = run_loadgen({"echo", wss_url(server), "--ca", certs.ca(), "--reply", "contains", "-c",
                                  "1", "-n", "500", "-w", "8", "-s", "64"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "1");
    EXPECT_EQ(out["sent"], "500");
    EXPECT_EQ(out["received"], "500");
    EXPECT_EQ(out["bad"], "0");
    EXPECT_EQ(out["tls_handshakes"], "1");
    EXPECT_EQ(out["tls_resumed"], "0");
    EXPECT_NE(out["tls_handshake_p99_us"], "(absent)");
}

TEST(LoadgenTlsTest, BroadcastOverWssDeliversEveryToken) {
    Certificates certs;
    auto server = start_tls_server(certs);
    const auto out = run_loadgen(
        {"broadcast", wss_url(server), "--ca", certs.ca(), "-c", "10", "-k", "2", "-n", "30", "-t", "2"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["delivered"], "600");
    EXPECT_EQ(out["missing"], "0");
    EXPECT_EQ(out["duplicates"], "0");
    EXPECT_EQ(out["tls_handshakes"], "12");
}

TEST(LoadgenTlsTest, UnknownCaIsRefusedWithOneLineAndFailure) {
    Certificates certs;
    auto server = start_tls_server(certs);
    // No --ca: the system's store does not know the test CA.
    const auto out = run_loadgen({"echo", wss_url(server), "-c", "1", "-n", "1", "-q"});
    EXPECT_NE(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "0");
    EXPECT_EQ(out["opened"], "0");
    EXPECT_NE(out["error"].find("not_trusted"), std::string::npos) << out.stdout_text;
    EXPECT_NE(out["error"].find("--ca"), std::string::npos) << out.stdout_text;
}

TEST(LoadgenTlsTest, WrongHostNameIsRefused) {
    Certificates certs;  // for localhost, 127.0.0.1 and ::1, not for 127.0.0.2
    auto server = start_tls_server(certs, {"--host", "127.0.0.2"});
    const auto out = run_loadgen({"echo", "wss://127.0.0.2:" + std::to_string(server.port) + "/ws", "--ca",
                                  certs.ca(), "-c", "1", "-n", "1"});
    EXPECT_NE(out.exit_code, 0) << out.stdout_text;
    EXPECT_NE(out["error"].find("another_name"), std::string::npos) << out.stdout_text;
}

TEST(LoadgenTlsTest, InsecureConnectsWithoutTheCaAndSaysSo) {
    Certificates certs;
    auto server = start_tls_server(certs, {"--history", "0"});
    const auto out = run_loadgen(
        {"echo", wss_url(server), "--insecure", "--reply", "contains", "-c", "1", "-n", "20", "-q"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["received"], "20");
    EXPECT_NE(out.stdout_text.find("--insecure: the server's certificate is NOT verified"), std::string::npos)
        << out.stdout_text;
}

TEST(LoadgenTlsTest, ConnectModeWithTlsResumeResumesMostHandshakes) {
    Certificates certs;
    auto server = start_tls_server(certs);
    const auto out = run_loadgen(
        {"connect", wss_url(server), "--ca", certs.ca(), "--tls-resume", "-c", "4", "-n", "15", "-t", "2"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["ok"], "1");
    EXPECT_EQ(out["setups"], "60");
    EXPECT_EQ(out["tls_handshakes"], "60");
    // Only each connection's first set-up (all four start at once, before any ticket) is full;
    // the two threads share the URL's session.
    EXPECT_GE(std::stoi(out["tls_resumed"]), 48) << out.stdout_text;
}

TEST(LoadgenTlsTest, ConnectModeWithoutTlsResumeDoesFullHandshakes) {
    Certificates certs;
    auto server = start_tls_server(certs);
    const auto out = run_loadgen({"connect", wss_url(server), "--ca", certs.ca(), "-c", "2", "-n", "10"});
    EXPECT_EQ(out.exit_code, 0) << out.stdout_text;
    EXPECT_EQ(out["setups"], "20");
    EXPECT_EQ(out["tls_handshakes"], "20");
    EXPECT_EQ(out["tls_resumed"], "0");
}

TEST(LoadgenTlsTest, TlsFlagsNeedAWssUrl) {
    const auto out = run_loadgen({"echo", "ws://127.0.0.1:1/ws", "--insecure"});
    EXPECT_NE(out.exit_code, 0);
    EXPECT_NE(out.stdout_text.find("--ca, --insecure and --tls-resume are for wss:// URLs"),
              std::string::npos)
        << out.stdout_text;
}

}  // namespace
