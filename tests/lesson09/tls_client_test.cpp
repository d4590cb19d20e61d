// 09-tls-client against 09-tls-chat-server: it chats when it trusts the CA and the name matches;
// it refuses, with one line saying why and exit code 1, a server whose CA it does not know, an
// expired certificate, and a certificate for another IP address (for another name, the server
// refuses our SNI first);
// --insecure connects anyway and says so.
#include "tls_test_support.hpp"

#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::stdout_line_with;
using lesson09::testing::Certificates;
using lesson09::testing::start_tls_server;

std::vector<std::string> client(std::uint16_t port, std::vector<std::string> extra) {
    std::vector<std::string> argv{bin_path("09-tls-client"), "--port", std::to_string(port), "--no-time"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
}

TEST(TlsClientTest, ChatsWhenItTrustsTheCaAndTheNameMatches) {
    const Certificates certs;
    auto server = start_tls_server(certs);
    ChildProcess alice(client(server.port, {"--ca", certs.ca()}));
    ASSERT_TRUE(stdout_line_with(alice, "* you are guest-1", 10s));
    EXPECT_TRUE(alice.wait_for_stderr("verified: CN = localhost"));
    EXPECT_TRUE(alice.wait_for_stderr("TLS: TLSv1.3, TLS_"));
    ChildProcess bob(
        client(server.port, {"--ca", certs.ca(), "--host", "127.0.0.1"}));  // checked as an IP address
    ASSERT_TRUE(stdout_line_with(bob, "* you are guest-2", 10s));
    alice.write_stdin("/nick alice\nhello over TLS\n");
    EXPECT_TRUE(stdout_line_with(bob, "alice: hello over TLS", 10s));
    alice.close_stdin();
    bob.close_stdin();
    EXPECT_EQ(alice.wait(10s), 0) << alice.stderr_text();
    EXPECT_EQ(bob.wait(10s), 0) << bob.stderr_text();
}

TEST(TlsClientTest, RefusesAServerSignedByAnUnknownCa) {
    const Certificates certs;
    const Certificates stranger;
    auto server = start_tls_server(certs);
    ChildProcess refused(client(server.port, {"--ca", stranger.ca()}));
    course::testing::expect_one_line_failure(
        refused, "not trusted: unable to get local issuer certificate (unknown CA?");
    EXPECT_TRUE(server.process->wait_for_stderr("TLS handshake failed: tlsv1 alert unknown ca"));
}

TEST(TlsClientTest, RefusesACertificateForAnotherNameOrAddress) {
    const Certificates certs({"chat.example", "192.0.2.7"});  // neither localhost nor 127.0.0.1
    auto server = start_tls_server(certs);
    ChildProcess by_name(client(server.port, {"--ca", certs.ca()}));
    // By name, our server refuses first: it has no certificate for the SNI "localhost".
    course::testing::expect_one_line_failure(by_name, "the server has no certificate for localhost");
    ChildProcess by_address(client(server.port, {"--ca", certs.ca(), "--host", "127.0.0.1"}));
    course::testing::expect_one_line_failure(by_address, "not trusted: IP address mismatch");
}

TEST(TlsClientTest, RefusesAnExpiredCertificate) {
    const Certificates expired({}, -1);  // SERVER_DAYS=-1: its notAfter is yesterday
    auto server = start_tls_server(expired);
    EXPECT_TRUE(server.process->wait_for_stderr("(EXPIRED: clients refuse it; make a new one)"));
    ChildProcess refused(client(server.port, {"--ca", expired.ca()}));
    course::testing::expect_one_line_failure(
        refused, "not trusted: certificate has expired (expired: the server needs a new certificate)");
    EXPECT_TRUE(server.process->wait_for_stderr("TLS handshake failed: sslv3 alert certificate expired"));
}

TEST(TlsClientTest, InsecureConnectsAnywayAndSaysSo) {
    const Certificates certs;
    const Certificates stranger;
    auto server = start_tls_server(certs);
    ChildProcess reckless(client(server.port, {"--ca", stranger.ca(), "--insecure"}));
    ASSERT_TRUE(stdout_line_with(reckless, "* you are guest-1", 10s));
    EXPECT_TRUE(reckless.wait_for_stderr("NOT VERIFIED (--insecure)"));
    reckless.close_stdin();
    EXPECT_EQ(reckless.wait(10s), 0);
}

}  // namespace
