// 04-ws-server as a student runs it: a process on port 0, talked to over real sockets, byte
// by byte where it matters. Every handshake refusal, every close code, timeouts, and one bad
// client among good ones.

#include "ws_peer.hpp"

#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <set>
#include <thread>

using namespace std::chrono_literals;

namespace {

using namespace std::literals;
using namespace lesson04::testing;
using course::testing::bin_path;
using course::testing::ChildProcess;
using course::testing::start_server;
using ws::Opcode;

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

// The resident memory of a process (VmRSS in /proc/PID/status), in KiB.
long rss_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(status, line);) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    throw std::runtime_error("no VmRSS for pid " + std::to_string(pid));
}

// A receive buffer of `bytes` (fixed: no autotuning), so that the kernel cannot take a large
// echo for a client that does not read it.
void set_receive_buffer(course::testing::TestSocket& socket, int bytes) {
    ASSERT_EQ(::setsockopt(socket.fd(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes), 0);
}

// Memory is measured in the plain build only: ASan's allocator keeps freed memory in
// quarantine and puts red zones around every block.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool memory_is_measurable = false;
#else
constexpr bool memory_is_measurable = true;
#endif

class WsServerTest : public ::testing::Test {
protected:
    void start(std::vector<std::string> args = {}) {
        server_ = start_server("04-ws-server", std::move(args));
    }
    std::uint16_t port() const { return server_.port; }
    WsPeer open(std::string_view extra_headers = "") { return WsPeer::open(port(), extra_headers); }
    course::testing::ServerProcess server_;
};

// ---- HTTP and the opening handshake

TEST_F(WsServerTest, ServesThePageOnGetRoot) {
    start();
    const std::string response = http_exchange(port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
    EXPECT_NE(response.find("Content-Type: text/html"), std::string::npos);
    EXPECT_NE(response.find("id=\"status\""), std::string::npos);
    EXPECT_NE(response.find("new WebSocket("), std::string::npos);
    EXPECT_NE(response.find("\"/ws\""), std::string::npos);
    EXPECT_EQ(response.find("<script src"), std::string::npos) << "no CDN, no framework";
    // The DOM the browser tests rely on, and text from the network inserted as text only.
    for (const char* id :
         {"id=\"message\"", "id=\"send\"", "id=\"log\"", "\"received\"", "\"sent\"", "id=\"pill\"",
          "id=\"status\"", "id=\"detail\"", "id=\"close\"", "id=\"connect\"", "class=\"legend\""}) {
        EXPECT_NE(response.find(id), std::string::npos) << id;
    }
    EXPECT_NE(response.find("textContent"), std::string::npos);
    EXPECT_EQ(response.find("innerHTML"), std::string::npos);
    // A second line of defence: nothing from elsewhere, only the page's own inline script and
    // style, its data: icon, and WebSockets to this server.
    EXPECT_NE(response.find("\r\nContent-Security-Policy: default-src 'none'; script-src 'unsafe-inline'; "
                            "style-src 'unsafe-inline'; img-src data:; connect-src 'self'\r\n"),
              std::string::npos);
    EXPECT_NE(response.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos);
    const std::size_t body = response.find("\r\n\r\n") + 4;
    const std::size_t length_at = response.find("Content-Length: ") + 16;
    EXPECT_EQ(std::stoul(response.substr(length_at)), response.size() - body);
}

TEST_F(WsServerTest, ThePageNamesItsOwnIconSoFaviconIsNeverAskedFor) {
    // Browsers ask for /favicon.ico unless the page names an icon; ours is in the page itself.
    start();
    const std::string response = http_exchange(port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    const std::string link = "<link rel=\"icon\" href=\"data:image/svg+xml,";
    const std::size_t at = response.find(link);
    ASSERT_NE(at, std::string::npos);
    const std::string url =
        response.substr(at + link.size(), response.find('"', at + link.size()) - at - link.size());
    EXPECT_EQ(url.rfind("%3Csvg xmlns='http://www.w3.org/2000/svg'", 0), 0u) << url;
    EXPECT_TRUE(url.ends_with("%3C/svg%3E")) << url;
    EXPECT_EQ(url.find_first_of("#<>\""), std::string::npos) << "characters a data: URL must escape: " << url;
    // There is no icon at /favicon.ico, and the server says so honestly.
    EXPECT_EQ(status_line(http_exchange(port(), "GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 404 Not Found");
}

TEST_F(WsServerTest, UnknownPathIs404) {
    start();
    EXPECT_EQ(status_line(http_exchange(port(), "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n")),
              "HTTP/1.1 404 Not Found");
}

TEST_F(WsServerTest, AcceptsTheRfc6455SampleKey) {
    start();
    auto socket = TestSocket::connect(port());
    socket.send_all(upgrade_request());
    WsPeer peer(std::move(socket));
    const std::string head = peer.read_handshake_answer();
    EXPECT_NE(head.find("Upgrade: websocket\r\n"), std::string::npos);
    EXPECT_NE(head.find("Connection: Upgrade\r\n"), std::string::npos);
}

struct Refusal {
    std::string name;
    std::string request;
    std::string status;
    std::string header;  // a header the answer must carry, or ""
    friend void PrintTo(const Refusal& r, std::ostream* os) { *os << r.name; }
};

class WsHandshakeRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(WsHandshakeRefusalTest, AnswersWithTheStatusAndCloses) {
    const auto server = start_server("04-ws-server", {"--allowed-origin", "http://good.example"});
    const std::string response = http_exchange(server.port, GetParam().request);
    EXPECT_EQ(status_line(response), GetParam().status) << response;
    if (!GetParam().header.empty()) {
        EXPECT_NE(response.find(GetParam().header), std::string::npos) << response;
    }
    EXPECT_TRUE(server.process->wait_for_stderr(GetParam().status.substr(9, 3)));
}

const std::string good_origin = "Origin: http://good.example\r\n";

INSTANTIATE_TEST_SUITE_P(
    Statuses, WsHandshakeRefusalTest,
    ::testing::Values(Refusal{"MalformedRequestLine", "GET /ws\r\n\r\n", "HTTP/1.1 400 Bad Request", ""},
                      Refusal{"KeyNotBase64Of16Bytes",
                              "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n" +
                                  good_origin + "\r\n",
                              "HTTP/1.1 400 Bad Request", ""},
                      Refusal{"PostIs405", "POST /ws HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                              "HTTP/1.1 405 Method Not Allowed", "Allow: GET\r\n"},
                      Refusal{"Version8Is426",
                              "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n" +
                                  good_origin + "\r\n",
                              "HTTP/1.1 426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n"},
                      Refusal{"PlainGetOnWsIs426", "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n",
                              "HTTP/1.1 426 Upgrade Required", "Upgrade: websocket\r\n"},
                      Refusal{"ForeignOriginIs403", upgrade_request("/ws", "Origin: http://evil.example\r\n"),
                              "HTTP/1.1 403 Forbidden", ""},
                      Refusal{"HugeHeadersAre431",
                              "GET /ws HTTP/1.1\r\nHost: x\r\n" + std::string(100, 'X') + ": " +
                                  std::string(3000, 'v') + "\r\nY: " + std::string(3000, 'v') +
                                  "\r\nZ: " + std::string(3000, 'v') + "\r\n\r\n",
                              "HTTP/1.1 431 Request Header Fields Too Large", ""},
                      Refusal{"TooManyHeadersAre431",
                              [] {
                                  std::string r = "GET /ws HTTP/1.1\r\nHost: x\r\n";
                                  for (int i = 0; i < 100; ++i) r += "X-" + std::to_string(i) + ": 1\r\n";
                                  return r + "\r\n";
                              }(),
                              "HTTP/1.1 431 Request Header Fields Too Large", ""}),
    [](const auto& test) { return test.param.name; });

TEST_F(WsServerTest, AllowedOriginIsAccepted) {
    start({"--allowed-origin", "http://good.example", "--allowed-origin", "http://other.example"});
    auto peer = open("Origin: http://other.example\r\n");
    peer.send_text("hi");
    EXPECT_EQ(peer.next(), "text:hi");
}

TEST_F(WsServerTest, ChoosesASubprotocolTheClientOffers) {
    start({"--protocol", "echo.v1"});
    auto socket = TestSocket::connect(port());
    socket.send_all(upgrade_request("/ws", "Sec-WebSocket-Protocol: other, echo.v1\r\n"));
    WsPeer peer(std::move(socket));
    EXPECT_NE(peer.read_handshake_answer().find("Sec-WebSocket-Protocol: echo.v1\r\n"), std::string::npos);
}

// ---- echo

TEST_F(WsServerTest, EchoesTextAsTextAndBinaryAsBinary) {
    start();
    auto peer = open();
    peer.send_text("Hello, κόσμε");
    EXPECT_EQ(peer.next(), "text:Hello, κόσμε");
    std::string all;
    for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
    peer.send(Opcode::binary, all);
    EXPECT_EQ(peer.next(), "binary:" + all);
    peer.send_text("");
    EXPECT_EQ(peer.next(), "text:");
}

TEST_F(WsServerTest, EchoesAFragmentedMessageAsOneWithAPingBetweenFragments) {
    start();
    auto peer = open();
    peer.send(Opcode::text, "frag", false);
    peer.send(Opcode::ping, "mid");
    peer.send(Opcode::continuation, "men", false);
    peer.send(Opcode::continuation, "ted", true);
    EXPECT_EQ(peer.next(), "pong:mid");
    EXPECT_EQ(peer.next(), "text:fragmented");
}

TEST_F(WsServerTest, EchoesAMessageOfExactlyTheDefaultMaximum) {
    start();
    auto peer = open();
    std::string big(16 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 31) >> 4);
    peer.send(Opcode::binary, big);
    const std::string echo = peer.next(20s);
    EXPECT_TRUE(echo == "binary:" + big) << "16 MiB echo differs (size " << echo.size() << ")";
}

TEST_F(WsServerTest, CopesWithEverythingSentOneByteAtATime) {
    start();
    auto socket = TestSocket::connect(port());
    const std::string bytes = upgrade_request() + frame(Opcode::text, "one byte at a time", false) +
                              frame(Opcode::ping, "p") + frame(Opcode::continuation, " works");
    for (const char c : bytes) socket.send_all(std::string_view(&c, 1));
    WsPeer peer(std::move(socket));
    peer.read_handshake_answer();
    EXPECT_EQ(peer.next(), "pong:p");
    EXPECT_EQ(peer.next(), "text:one byte at a time works");
}

TEST_F(WsServerTest, AFrameInTheSameSegmentAsTheHandshakeIsNotLost) {
    start();
    auto socket = TestSocket::connect(port());
    socket.send_all(upgrade_request() + client_text("early"));
    WsPeer peer(std::move(socket));
    peer.read_handshake_answer();
    EXPECT_EQ(peer.next(), "text:early");
}

TEST_F(WsServerTest, UnsolicitedPongIsIgnored) {
    start();
    auto peer = open();
    peer.send(Opcode::pong, "nobody asked");
    peer.send_text("still here");
    EXPECT_EQ(peer.next(), "text:still here");
}

// ---- closing

TEST_F(WsServerTest, ClosingHandshakeEchoesTheCodeAndTheServerClosesTcp) {
    start();
    auto peer = open();
    peer.send(Opcode::close, close_body(1000, "done"));
    EXPECT_EQ(peer.next(), "close 1000:");
    EXPECT_TRUE(peer.socket().wait_for_close(5s)) << "the server closes TCP once the handshake is done";
}

struct Violation {
    std::string name;
    std::string bytes;
    std::uint16_t code;
    friend void PrintTo(const Violation& v, std::ostream* os) { *os << v.name; }
};

class WsServerViolationTest : public ::testing::TestWithParam<Violation> {};

TEST_P(WsServerViolationTest, ClosesWithTheRfcCodeThenEndsTcp) {
    const auto server = start_server("04-ws-server", {"--max-message", "1000"});
    auto peer = WsPeer::open(server.port);
    peer.send_raw(GetParam().bytes);
    const std::string event = peer.next();
    EXPECT_EQ(event.substr(0, 10), "close " + std::to_string(GetParam().code)) << event;
    EXPECT_TRUE(peer.answer_close_and_expect_tcp_close(GetParam().code));
    EXPECT_TRUE(server.process->wait_for_stderr("closing with " + std::to_string(GetParam().code)));
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6455, WsServerViolationTest,
    ::testing::Values(
        Violation{"UnmaskedFrame", frame(Opcode::text, "hi", true, false), 1002},
        Violation{"RsvBitWithoutExtension", "\xc1\x82\x37\xfa\x21\x3d\x5f\x93"s, 1002},
        Violation{"UnknownOpcode", "\x83\x80\x37\xfa\x21\x3d"s, 1002},
        Violation{"ControlFrameOver125Bytes", frame(Opcode::ping, std::string(126, 'p')), 1002},
        Violation{"FragmentedControlFrame", frame(Opcode::ping, "p", false), 1002},
        Violation{"ContinuationWithNothingToContinue", frame(Opcode::continuation, "x"), 1002},
        Violation{"NewMessageInsideAnUnfinishedOne", frame(Opcode::text, "a", false) + client_text("b"),
                  1002},
        Violation{"LengthWithTopBitSet", "\x82\xff\x80\x00\x00\x00\x00\x00\x00\x01\x37\xfa\x21\x3d"s, 1002},
        Violation{"CloseWithOneByteBody", frame(Opcode::close, "\x03"), 1002},
        Violation{"ReservedCloseCode", frame(Opcode::close, close_body(1004)), 1002},
        Violation{"InvalidUtf8", client_text("\xC3\x28"), 1007},
        Violation{"CloseReasonNotUtf8", frame(Opcode::close, close_body(1000, "\xFF")), 1007},
        Violation{"MessageOverTheMaximum", frame(Opcode::binary, std::string(1001, 'b')), 1009}),
    [](const auto& test) { return test.param.name; });

TEST_F(WsServerTest, NoDataIsTakenAfterTheClientsClose) {
    start();
    auto peer = open();
    peer.send_raw(frame(Opcode::close, close_body(1000)) + client_text("too late"));
    EXPECT_EQ(peer.next(), "close 1000:");
    EXPECT_EQ(peer.next(), "eof") << "no echo of a message sent after the close";
}

// ---- timeouts, many clients, bad clients, shutdown

TEST_F(WsServerTest, ClientStalledMidHandshakeIsDroppedAfterTheTimeout) {
    start({"--handshake-timeout", "0.3"});
    auto stalled = TestSocket::connect(port());
    stalled.send_all("GET /ws HTTP/1.1\r\nHost: x\r\n");  // and nothing more
    auto good = open();                                   // meanwhile another client is served at once
    good.send_text("not blocked");
    EXPECT_EQ(good.next(), "text:not blocked");
    EXPECT_TRUE(stalled.wait_for_close(5s));
    EXPECT_TRUE(server_.process->wait_for_stderr("no complete request within the handshake timeout"));
}

TEST_F(WsServerTest, IdleWebSocketIsDroppedAfterTheIdleTimeout) {
    start({"--idle-timeout", "0.3"});
    auto peer = open();
    EXPECT_EQ(peer.next(), "eof");
    EXPECT_TRUE(server_.process->wait_for_stderr("idle for longer than the idle timeout"));
}

TEST_F(WsServerTest, ABadClientDoesNotDisturbTheOthers) {
    start();
    auto good = open();
    auto bad = open();
    bad.send_raw("\xff\xff\xff\xff garbage"s);
    EXPECT_EQ(bad.next().substr(0, 10), "close 1002");
    good.send_text("unaffected");
    EXPECT_EQ(good.next(), "text:unaffected");
    {
        auto rude = TestSocket::connect(port());
        rude.send_all(upgrade_request() + frame(Opcode::binary, std::string(100000, 'r')).substr(0, 5000));
        rude.reset();  // gone mid-frame with an RST
    }
    good.send_text("still fine");
    EXPECT_EQ(good.next(), "text:still fine");
}

TEST_F(WsServerTest, ServesManyConnectionsAtOnce) {
    start();
    std::vector<WsPeer> peers;
    for (int i = 0; i < 50; ++i) peers.push_back(open());
    for (std::size_t i = 0; i < peers.size(); ++i) peers[i].send_text("client " + std::to_string(i));
    for (std::size_t i = peers.size(); i-- > 0;)
        EXPECT_EQ(peers[i].next(), "text:client " + std::to_string(i));
}

// ---- what one client may cost: memory, a place, time

TEST_F(WsServerTest, AnIdleConnectionCostsAtMost8KiB) {
    if (!memory_is_measurable) GTEST_SKIP() << "RSS is measured in the plain build";
    start();
    std::vector<WsPeer> peers;
    const auto open_and_echo = [&](std::size_t count) {
        for (std::size_t i = 0; i < count; ++i) {
            peers.push_back(open());
            peers.back().send_text("hello");
            ASSERT_EQ(peers.back().next(), "text:hello");  // the session is in its loop, idle again
        }
    };
    open_and_echo(20);  // the allocator's first pools
    const long before = rss_kib(server_.process->pid());
    constexpr std::size_t idle = 300;
    open_and_echo(idle);
    const long after = rss_kib(server_.process->pid());
    const double per_connection = static_cast<double>(after - before) * 1024 / idle;
    EXPECT_LE(per_connection, 8 * 1024)
        << "RSS " << before << " KiB before, " << after << " KiB with " << idle
        << " more idle connections: " << per_connection << " bytes each";
}

TEST_F(WsServerTest, MemoryOfLargeMessagesIsGivenBackOnceTheirEchoIsSent) {
    if (!memory_is_measurable) GTEST_SKIP() << "RSS is measured in the plain build";
    start();
    const long before = rss_kib(server_.process->pid());
    const std::string big(16 * 1024 * 1024, 'm');
    std::vector<WsPeer> peers;
    for (int i = 0; i < 5; ++i) peers.push_back(open());
    for (auto& peer : peers) peer.send(Opcode::binary, big);  // five at once: up to 5 x 32 MiB in flight
    for (auto& peer : peers) EXPECT_EQ(peer.next(20s).size(), 7 + big.size()) << "binary:" << big.size();
    // The five stay connected. Each session gives its buffers back just after its last write,
    // a moment after the client has the bytes: poll, with a deadline.
    constexpr long bound_kib = 16 * 1024;  // well below one 16 MiB message per connection (5 x 32 MiB before)
    long now = 0;
    for (const auto deadline = std::chrono::steady_clock::now() + 10s;
         std::chrono::steady_clock::now() < deadline;) {
        now = rss_kib(server_.process->pid());
        if (now - before < bound_kib) break;
        std::this_thread::sleep_for(50ms);  // ok-sleep: polling /proc, bounded by the deadline
    }
    EXPECT_LT(now - before, bound_kib)
        << "RSS " << before << " KiB before, " << now << " KiB after five 16 MiB echoes";
    peers.front().send_text("still open");
    EXPECT_EQ(peers.front().next(), "text:still open");
}

TEST_F(WsServerTest, ConnectionsBeyondMaxConnectionsGet503WhileTheOthersAreServed) {
    start({"--max-connections", "2"});
    auto first = open();
    auto second = open();
    const std::string refused = http_exchange(port(), upgrade_request());
    EXPECT_EQ(status_line(refused), "HTTP/1.1 503 Service Unavailable") << refused;
    EXPECT_NE(refused.find("Retry-After: 5\r\n"), std::string::npos) << refused;
    EXPECT_TRUE(server_.process->wait_for_stderr("connection refused: 2 connections is the maximum (503)"));
    first.send_text("served");
    EXPECT_EQ(first.next(), "text:served");
    // One leaves: its place is free again once its session has ended (a moment after TCP closes).
    second.send(Opcode::close, close_body(1000));
    EXPECT_EQ(second.next(), "close 1000:");
    EXPECT_TRUE(second.socket().wait_for_close());
    second.socket().shutdown_write();  // our FIN ends its session
    std::string answer;
    for (int attempt = 0; attempt < 100; ++attempt) {  // bounded: 100 tries of one request each
        answer = status_line(http_exchange(port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        if (answer == "HTTP/1.1 200 OK") break;
        std::this_thread::sleep_for(20ms);  // ok-sleep: polling, bounded by the attempts
    }
    EXPECT_EQ(answer, "HTTP/1.1 200 OK");
}

TEST_F(WsServerTest, AClientThatNeverReadsIsDroppedAfterTheWriteTimeout) {
    start({"--write-timeout", "0.5"});
    auto stuck = open();
    set_receive_buffer(stuck.socket(), 256 * 1024);
    // 12 MiB echoed to a client that takes none of it: more than its receive buffer and our
    // send buffer (at most 4 MiB, net.ipv4.tcp_wmem) hold, so our write waits for it.
    stuck.send(Opcode::binary, std::string(12 * 1024 * 1024, 's'));
    auto other = open();  // meanwhile the others are served
    other.send_text("not blocked");
    EXPECT_EQ(other.next(), "text:not blocked");
    EXPECT_TRUE(server_.process->wait_for_stderr("took none of our bytes within the write timeout", 10s));
    other.send_text("still served");
    EXPECT_EQ(other.next(), "text:still served");
}

TEST_F(WsServerTest, ShutdownDoesNotWaitTheWriteTimeoutForAClientThatNeverReads) {
    start({"--verbose"});  // write timeout 30 s
    auto stuck = open();
    set_receive_buffer(stuck.socket(), 256 * 1024);
    stuck.send(Opcode::binary, std::string(12 * 1024 * 1024, 's'));  // an echo it will never take
    ASSERT_TRUE(server_.process->wait_for_stderr("binary message of 12582912 bytes: echo", 10s));
    auto other = open();
    server_.process->send_signal(SIGTERM);
    EXPECT_EQ(other.next(), "close 1001:server shutting down");
    EXPECT_TRUE(other.answer_close_and_expect_tcp_close(1001));
    other.socket().shutdown_write();
    // The close timeout (3 s) for the stuck echo, not the write timeout (30 s).
    EXPECT_EQ(server_.process->wait(10s), 0);
    EXPECT_TRUE(server_.process->wait_for_stderr("took none of our bytes while the server shut down"));
}

TEST_F(WsServerTest, AClientThatReadsSlowlyButSteadilyIsNeverDropped) {
    start({"--write-timeout", "1"});
    auto slow = open();
    set_receive_buffer(slow.socket(), 256 * 1024);
    const std::string big(12 * 1024 * 1024, 'r');
    slow.send(Opcode::binary, big);
    // 256 KiB every 100 ms: our write has to wait several seconds in all, but never a whole
    // second without progress, so the server must keep going.
    const std::string expected =
        "\x82\x7f" + std::string(5, '\0') + "\xc0\0\0"s;  // header: 12 MiB, 64-bit length
    std::size_t left = expected.size() + big.size();
    std::string head;
    while (left > 0) {
        const std::string piece = slow.socket().read_exactly(std::min<std::size_t>(left, 256 * 1024));
        if (head.size() < expected.size()) head += piece.substr(0, expected.size() - head.size());
        left -= piece.size();
        std::this_thread::sleep_for(100ms);  // ok-sleep: a slow reader
    }
    EXPECT_EQ(head, expected);
    slow.send_text("done");
    EXPECT_EQ(slow.next(), "text:done");
    EXPECT_EQ(server_.process->stderr_text().find("write timeout"), std::string::npos)
        << server_.process->stderr_text();
}

TEST_F(WsServerTest, SigtermClosesEveryWebSocketWith1001AndExitsZero) {
    start();
    auto first = open();
    auto second = open();
    first.send_text("x");
    ASSERT_EQ(first.next(), "text:x");
    server_.process->send_signal(SIGTERM);
    EXPECT_EQ(first.next(), "close 1001:server shutting down");
    EXPECT_EQ(second.next(), "close 1001:server shutting down");
    EXPECT_TRUE(first.answer_close_and_expect_tcp_close(1001));
    EXPECT_TRUE(second.answer_close_and_expect_tcp_close(1001));
    first.socket().shutdown_write();  // our FIN: the server need not wait for it any longer
    second.socket().shutdown_write();
    EXPECT_EQ(server_.process->wait(), 0);
    EXPECT_TRUE(server_.process->wait_for_stderr("received SIGTERM, shutting down"));
}

TEST_F(WsServerTest, SigintWithoutClientsExitsZero) {
    start();
    server_.process->send_signal(SIGINT);
    EXPECT_EQ(server_.process->wait(), 0);
}

TEST_F(WsServerTest, SighupClosesWith1001AndExitsZero) {  // the terminal went away
    start();
    auto peer = open();
    server_.process->send_signal(SIGHUP);
    EXPECT_EQ(peer.next(), "close 1001:server shutting down");
    EXPECT_TRUE(peer.answer_close_and_expect_tcp_close(1001));
    peer.socket().shutdown_write();
    EXPECT_EQ(server_.process->wait(), 0);
    EXPECT_TRUE(server_.process->wait_for_stderr("received SIGHUP, shutting down"));
}

// 04-ws-bench measures for up to a minute; a closed terminal (SIGHUP) ends it cleanly.
TEST(WsBenchTest, SighupEndsTheBenchmarkCleanly) {
    ChildProcess bench({bin_path("04-ws-bench"), "--seconds", "60"});
    ASSERT_TRUE(bench.wait_until_catching(SIGHUP));
    bench.send_signal(SIGHUP);
    EXPECT_EQ(bench.wait(15s), 0);
    EXPECT_TRUE(bench.wait_for_stderr("received SIGHUP, shutting down"));
    EXPECT_NE(bench.read_all_stdout(5s).value_or("").find("stopped before the end"), std::string::npos);
}

TEST_F(WsServerTest, TraceShowsTheHandshakeChecksTheAcceptAndEachFrame) {
    start({"--trace"});
    auto peer = open();
    peer.send_text("Hello");
    EXPECT_EQ(peer.next(), "text:Hello");
    auto& p = *server_.process;
    EXPECT_TRUE(p.wait_for_stderr("> Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n"));
    EXPECT_TRUE(p.wait_for_stderr("Sec-WebSocket-Version is 13: 13 (RFC 6455 4.2.2 item 4)"));
    EXPECT_TRUE(
        p.wait_for_stderr("key + GUID      = dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    EXPECT_TRUE(p.wait_for_stderr("SHA-1 (hex)     = b37a4f2cc0624f1690f64606cf385945b2bec4ea"));
    EXPECT_TRUE(p.wait_for_stderr("Base64 (accept) = s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    EXPECT_TRUE(p.wait_for_stderr(
        "frame in:  FIN=1 RSV=000 opcode=0x1 (text) MASK=1 key=37 fa 21 3d length=5 (7-bit)"));
    EXPECT_TRUE(p.wait_for_stderr("7f 9f 4d 51 58"));  // "Hello" masked, as in RFC 6455 5.7
    EXPECT_TRUE(p.wait_for_stderr("|Hello|"));
    EXPECT_TRUE(p.wait_for_stderr("frame out: FIN=1 RSV=000 opcode=0x1 (text) MASK=0 length=5 (7-bit)"));
}

TEST_F(WsServerTest, TraceGivesTheReasonForARefusal) {
    start({"--trace"});
    http_exchange(port(),
                  "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 99\r\n\r\n");
    EXPECT_TRUE(server_.process->wait_for_stderr("FAIL  Sec-WebSocket-Version is 13: 99"));
    EXPECT_TRUE(server_.process->wait_for_stderr("handshake refused: 426"));
}

TEST_F(WsServerTest, TraceShowsAFrameSentByteByByteAsOneReadPerByte) {
    start({"--trace"});
    auto socket = TestSocket::connect(port());
    // Each byte in a segment of its own (no Nagle), and the next one only once the server has
    // reported reading the last: every read then holds exactly one byte, however busy the machine.
    const int on = 1;
    ASSERT_EQ(::setsockopt(socket.fd(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on), 0);
    socket.send_all(upgrade_request());
    WsPeer peer(std::move(socket));
    peer.read_handshake_answer();
    // RFC 6455 5.7's masked "Hello": 81 85 37 fa 21 3d 7f 9f 4d 51 58, eleven different bytes,
    // so each one's trace line is told apart from the others'.
    const std::string bytes = client_text("Hello");
    ASSERT_EQ(std::set<char>(bytes.begin(), bytes.end()).size(), bytes.size());
    auto& p = *server_.process;
    for (const char c : bytes) {
        peer.send_raw(std::string_view(&c, 1));
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", static_cast<unsigned char>(c));
        const std::string line = "read 1 byte\n  0000  " + std::string(hex) + " ";
        ASSERT_TRUE(p.wait_for_stderr(line)) << "no trace of the read of " << hex << " alone:\n"
                                             << p.stderr_text();
    }
    EXPECT_EQ(peer.next(), "text:Hello");
    EXPECT_TRUE(p.wait_for_stderr(
        "frame in:  FIN=1 RSV=000 opcode=0x1 (text) MASK=1 key=37 fa 21 3d length=5 (7-bit)"));
    // The handshake came in one send: its read says how many bytes.
    EXPECT_TRUE(p.wait_for_stderr(": read " + std::to_string(upgrade_request().size()) +
                                  " bytes\n  0000  47 45 54 20"));
}

TEST_F(WsServerTest, WorksOverIpv6) {
    start({"--host", "::1"});
    auto socket = TestSocket::connect(port(), "::1");
    socket.send_all(upgrade_request() + client_text("six"));
    WsPeer peer(std::move(socket));
    peer.read_handshake_answer();
    EXPECT_EQ(peer.next(), "text:six");
}

TEST(WsServerProcessTest, PortInUseIsOneClearLineAndFailure) {
    const auto first = start_server("04-ws-server");
    ChildProcess second({bin_path("04-ws-server"), "--port", std::to_string(first.port)});
    const auto code = second.wait();
    ASSERT_TRUE(code);
    EXPECT_NE(*code, 0);
    EXPECT_TRUE(second.wait_for_stderr("is already in use"));
    const std::string err = second.stderr_text();
    EXPECT_EQ(err.find('\n'), err.size() - 1) << "expected exactly one line: " << err;
}

}  // namespace
