// --redirect-port: redirect_response (sans-IO) for each kind of request, and the listener as a
// process: a GET gets its 301, a stalled client is closed at the handshake timeout, SIGTERM with
// a redirect connection open still exits 0.
#include "redirect.hpp"
#include "tls_test_support.hpp"

#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <regex>

namespace {

using namespace std::chrono_literals;
using course::testing::TestSocket;
using lesson09::redirect_response;
using lesson09::testing::Certificates;
using lesson09::testing::start_tls_server;

ws::HttpHead request(std::string target, std::vector<ws::HttpHeader> headers) {
    ws::HttpHead head;
    head.method = "GET";
    head.target = std::move(target);
    head.version_major = 1;
    head.version_minor = 1;
    head.headers = std::move(headers);
    return head;
}

TEST(RedirectTest, SendsTheSameTargetToHttpsOnTheRequestsHost) {
    EXPECT_EQ(redirect_response(request("/chat?x=1", {{"Host", "localhost:7080"}}), "127.0.0.1", 7009),
              "HTTP/1.1 301 Moved Permanently\r\nLocation: https://localhost:7009/chat?x=1\r\n"
              "Content-Length: 0\r\nConnection: close\r\n\r\n");
}

TEST(RedirectTest, KeepsAnIpv6HostInBrackets) {
    const std::string answer = redirect_response(request("/", {{"Host", "[::1]:7080"}}), "127.0.0.1", 7009);
    EXPECT_NE(answer.find("Location: https://[::1]:7009/\r\n"), std::string::npos) << answer;
}

TEST(RedirectTest, UsesTheListeningHostWhenTheHostHeaderIsMissingOrOdd) {
    EXPECT_NE(
        redirect_response(request("/", {}), "127.0.0.1", 7009).find("Location: https://127.0.0.1:7009/\r\n"),
        std::string::npos);
    const std::string odd =
        redirect_response(request("/", {{"Host", "a\"b@evil.example"}}), "127.0.0.1", 7009);
    EXPECT_NE(odd.find("Location: https://127.0.0.1:7009/\r\n"), std::string::npos) << odd;
}

TEST(RedirectTest, RefusesAWebSocketUpgradeAndAnAbsoluteTargetWith400) {
    const auto upgrade =
        request("/ws", {{"Host", "localhost"}, {"Connection", "Upgrade"}, {"Upgrade", "websocket"}});
    EXPECT_EQ(redirect_response(upgrade, "127.0.0.1", 7009).rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u);
    EXPECT_EQ(redirect_response(request("http://evil.example/", {}), "127.0.0.1", 7009)
                  .rfind("HTTP/1.1 400 Bad Request\r\n", 0),
              0u);
}

TEST(TlsRedirectTest, PlainPortRedirectsAndClosesAStalledClientAndStopsCleanly) {
    const Certificates certs;
    auto server = start_tls_server(certs, {"--redirect-port", "0", "--handshake-timeout", "0.5"});
    ASSERT_TRUE(server.process->wait_for_stderr("/ redirects to https://"));
    std::smatch match;
    const std::string log = server.process->stderr_text();
    ASSERT_TRUE(
        std::regex_search(log, match, std::regex(R"(http://127\.0\.0\.1:(\d+)/ redirects to https://)")))
        << log;
    const auto port = static_cast<std::uint16_t>(std::stoi(match[1]));

    TestSocket get = TestSocket::connect(port);
    get.send_all("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n");
    EXPECT_EQ(get.read_line(5s), "HTTP/1.1 301 Moved Permanently\r");
    EXPECT_EQ(get.read_line(5s), "Location: https://localhost:" + std::to_string(server.port) + "/x\r");

    TestSocket stalled = TestSocket::connect(port);
    stalled.send_all("GET / HT");
    EXPECT_TRUE(stalled.wait_for_close(5s));

    TestSocket open = TestSocket::connect(port);  // still open when the signal comes
    open.send_all("GET");
    ASSERT_TRUE(server.process->wait_until_catching(SIGTERM));
    server.process->send_signal(SIGTERM);
    EXPECT_EQ(server.process->wait(10s), 0);
}

}  // namespace
