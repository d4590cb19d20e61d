// Bad input on 09-tls-chat-server's TLS port: plain HTTP, garbage, a TLS 1.0-only client, an SNI
// the certificate does not cover, an ALPN list without http/1.1, and a ClientHello that stalls.
// Each gets the right alert (or a close), one log line, and a client connected meanwhile is
// served as if nothing happened.
#include "tls_test_support.hpp"

#include "tests/support/program_checks.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

namespace {

using namespace std::chrono_literals;
using course::testing::ChildProcess;
using course::testing::TestSocket;
using lesson09::testing::Certificates;
using lesson09::testing::openssl;
using lesson09::testing::s_client;
using lesson09::testing::start_tls_server;

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

TEST(TlsHostileTest, EachBadHandshakeGetsItsAlertAndOneLogLineAndAnotherClientStaysServed) {
    const Certificates certs;
    auto server = start_tls_server(certs, {"--handshake-timeout", "60"});
    // A client that finished its handshake before the others come, and sends its request after.
    ChildProcess keeper({openssl(), "s_client", "-connect", "127.0.0.1:" + std::to_string(server.port),
                         "-servername", "localhost", "-CAfile", certs.ca(), "-verify_return_error",
                         "-ign_eof"});
    ASSERT_TRUE(course::testing::stdout_line_with(keeper, "Verify return code: 0 (ok)", 10s));

    {  // Plain HTTP to the TLS port: OpenSSL recognises it; the connection is closed.
        TestSocket http = TestSocket::connect(server.port);
        http.send_all("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        EXPECT_TRUE(http.wait_for_close(5s));
        EXPECT_TRUE(server.process->wait_for_stderr("TLS handshake failed: http request"));
    }
    {  // Bytes that are no TLS record at all.
        TestSocket garbage = TestSocket::connect(server.port);
        garbage.send_all(std::string(300, '\xab'));
        EXPECT_TRUE(garbage.wait_for_close(5s));
        EXPECT_TRUE(server.process->wait_for_stderr("TLS handshake failed: wrong version number"));
    }
    // A client that speaks only TLS 1.0: alert protocol_version.
    const auto tls10 = s_client(server.port, {"-tls1"});
    EXPECT_NE(tls10.exit_code, 0) << tls10;
    EXPECT_NE(tls10.err.find("alert protocol version"), std::string::npos) << tls10;
    EXPECT_TRUE(server.process->wait_for_stderr("(alert sent: protocol version): dropped"));
    // A name the certificate does not cover: alert unrecognized_name.
    const auto sni = s_client(server.port, {"-servername", "unknown.example"});
    EXPECT_NE(sni.exit_code, 0) << sni;
    EXPECT_NE(sni.err.find("unrecognized name"), std::string::npos) << sni;
    EXPECT_TRUE(server.process->wait_for_stderr("(alert sent: unrecognized name): dropped"));
    // ALPN without http/1.1: alert no_application_protocol.
    const auto h2 = s_client(server.port, {"-alpn", "h2"});
    EXPECT_NE(h2.exit_code, 0) << h2;
    EXPECT_NE(h2.err.find("no application protocol"), std::string::npos) << h2;
    EXPECT_TRUE(server.process->wait_for_stderr("(alert sent: no application protocol): dropped"));

    keeper.write_stdin("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_TRUE(course::testing::stdout_line_with(keeper, "HTTP/1.1 200 OK", 10s));
    const std::string log = server.process->stderr_text();
    EXPECT_EQ(count(log, ": dropped"), 5u) << "one line per bad client:\n" << log;
    EXPECT_EQ(count(log, "TLS handshake failed"), 5u) << log;
}

TEST(TlsHostileTest, ClientHelloThenStallIsDroppedAtTheHandshakeTimeout) {
    const Certificates certs;
    auto server = start_tls_server(certs, {"--handshake-timeout", "0.5"});
    TestSocket stall = TestSocket::connect(server.port);
    // A handshake record announcing 512 bytes, of which the first 9 ever come.
    stall.send_all(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc", 9));
    EXPECT_TRUE(stall.wait_for_close(10s));
    EXPECT_TRUE(server.process->wait_for_stderr("within the handshake timeout: dropped"));
    // And the server still serves a full handshake.
    const auto run = s_client(server.port, {"-CAfile", certs.ca(), "-verify_return_error"});
    EXPECT_EQ(run.exit_code, 0) << run;
}

}  // namespace
