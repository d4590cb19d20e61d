// 09-tls-chat-server's TLS as openssl s_client sees it: TLS 1.3 with ALPN http/1.1 and a chain
// that verifies for localhost; TLS 1.2 only with ECDHE and an AEAD cipher; make_certs.sh's CA
// and certificate; the one-line errors for bad files; a clean exit on each stop signal.
#include "tls_test_support.hpp"

#include "tests/support/program_checks.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace {

using namespace std::chrono_literals;
using course::peers::has_line;
using course::peers::has_line_starting;
using course::peers::run_program;
using course::testing::bin_path;
using course::testing::ChildProcess;
using lesson09::testing::Certificates;
using lesson09::testing::openssl;
using lesson09::testing::s_client;
using lesson09::testing::start_tls_server;

TEST(MakeCertsTest, CaSignsAServerCertificateForLocalhostAndLoopbackOnly) {
    const Certificates certs;
    const auto verify = [&](const std::string& flag, const std::string& name) {
        return run_program(
            {openssl(), "verify", "-CAfile", certs.ca(), flag, name, certs.file("server.pem")});
    };
    EXPECT_TRUE(has_line(verify("-verify_hostname", "localhost").out, certs.file("server.pem") + ": OK"));
    EXPECT_TRUE(has_line(verify("-verify_ip", "127.0.0.1").out, certs.file("server.pem") + ": OK"));
    EXPECT_TRUE(has_line(verify("-verify_ip", "::1").out, certs.file("server.pem") + ": OK"));
    const auto other = verify("-verify_hostname", "example.com");
    EXPECT_NE(other.exit_code, 0) << other;
    EXPECT_NE(other.err.find("hostname mismatch"), std::string::npos) << other;
    EXPECT_EQ(certs.spki().size(), 44u) << "base64 of a SHA-256 hash";
}

TEST(MakeCertsTest, SecondRunKeepsTheCaAndTheCertificate) {
    const Certificates certs;
    const auto before =
        run_program({openssl(), "x509", "-in", certs.file("server.pem"), "-noout", "-fingerprint"});
    const auto again = run_program({std::string(COURSE_LESSON09_DIR) + "/make_certs.sh", certs.file("")});
    ASSERT_EQ(again.exit_code, 0) << again;
    const auto after =
        run_program({openssl(), "x509", "-in", certs.file("server.pem"), "-noout", "-fingerprint"});
    EXPECT_EQ(before.out, after.out);
}

TEST(TlsServerTest, OpensslSeesTls13AndAlpnHttp11AndAChainThatVerifiesForLocalhost) {
    const Certificates certs;
    auto server = start_tls_server(certs);
    const auto run =
        s_client(server.port, {"-servername", "localhost", "-alpn", "http/1.1", "-CAfile", certs.ca(),
                               "-verify_hostname", "localhost", "-verify_return_error"});
    EXPECT_EQ(run.exit_code, 0) << run;
    EXPECT_TRUE(has_line_starting(run.out, "New, TLSv1.3, Cipher is TLS_")) << run;
    EXPECT_TRUE(has_line(run.out, "ALPN protocol: http/1.1")) << run;
    EXPECT_TRUE(has_line_starting(run.out, "Verify return code: 0 (ok)")) << run;
}

TEST(TlsServerTest, Tls12IsServedOnlyWithEcdheAndAnAeadCipher) {
    const Certificates certs;
    auto server = start_tls_server(certs);
    const auto run = s_client(server.port, {"-tls1_2", "-CAfile", certs.ca(), "-verify_return_error"});
    EXPECT_EQ(run.exit_code, 0) << run;
    EXPECT_TRUE(has_line_starting(run.out, "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256") ||
                has_line_starting(run.out, "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES256-GCM-SHA384") ||
                has_line_starting(run.out, "New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305"))
        << run;
    // A client that offers only CBC suites is refused.
    const auto cbc = s_client(server.port, {"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"});
    EXPECT_NE(cbc.exit_code, 0) << cbc;
    EXPECT_NE(cbc.err.find("handshake failure"), std::string::npos) << cbc;
}

TEST(TlsServerTest, ServesThePageOverHttpsAndLogsTheHandshakeAtTrace) {
    const Certificates certs;
    auto server = start_tls_server(certs, {"--trace"});
    ChildProcess client({openssl(), "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port),
                         "-servername", "localhost", "-alpn", "http/1.1", "-CAfile", certs.ca(), "-quiet"});
    client.write_stdin("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_TRUE(course::testing::stdout_line_with(client, "HTTP/1.1 200 OK", 10s));
    EXPECT_TRUE(server.process->wait_for_stderr("TLS SSLv3/TLS read client hello"));
    EXPECT_TRUE(server.process->wait_for_stderr("TLS TLSv1.3, TLS_"));
    EXPECT_TRUE(server.process->wait_for_stderr(", ALPN http/1.1, SNI localhost, new session"));
    EXPECT_TRUE(
        server.process->wait_for_stderr("TLS certificate sent: CN = localhost, for localhost 127.0.0.1"));
}

TEST(TlsServerTest, ExitsZeroOnSigintSigtermAndSighup) {
    const Certificates certs;
    for (const int signal : {SIGINT, SIGTERM, SIGHUP}) {
        auto server = start_tls_server(certs);
        ASSERT_TRUE(server.process->wait_until_catching(signal));
        server.process->send_signal(signal);
        EXPECT_EQ(server.process->wait(10s), 0) << "signal " << signal;
    }
}

TEST(TlsServerTest, MissingOrMismatchedFilesAreOneLineErrors) {
    const Certificates certs;
    const Certificates other;
    ChildProcess missing({bin_path("09-tls-chat-server"), "--port", "0", "--cert", certs.file("nope.pem"),
                          "--key", certs.file("server.key")});
    course::testing::expect_one_line_failure(missing, "--cert");
    ChildProcess mismatched({bin_path("09-tls-chat-server"), "--port", "0", "--cert",
                             certs.file("server.pem"), "--key", other.file("server.key")});
    course::testing::expect_one_line_failure(mismatched, "does not match the certificate");
    ChildProcess not_a_certificate({bin_path("09-tls-chat-server"), "--port", "0", "--cert",
                                    certs.file("server.spki"), "--key", certs.file("server.key")});
    course::testing::expect_one_line_failure(not_a_certificate, "certificate " + certs.file("server.spki"));
}

}  // namespace
