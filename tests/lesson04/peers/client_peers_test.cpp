// 04-ws-client against a real third-party server: Python websockets' echo server
// (tests/peers/ws_echo_server.py). The server's own event lines (`text N`, `binary N`,
// `close CODE REASON`) show what actually arrived, so a test sees both sides: the echo printed by
// our client and the message as the third-party library parsed it.

#include "tests/peers/peers.hpp"

#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <regex>

namespace {

using namespace std::chrono_literals;
namespace peers = course::peers;
using course::testing::ChildProcess;
using course::testing::ServerProcess;

class WsClientPeerTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(peers::available(peers::Peer::python));
        server_ = peers::start_echo_server();
    }

    // Starts 04-ws-client on the echo server and waits until the server has accepted it.
    std::unique_ptr<ChildProcess> start_client(std::vector<std::string> extra = {}) {
        std::vector<std::string> argv{course::testing::bin_path("04-ws-client"),
                                      peers::ws_url(server_, "/ws")};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto client = std::make_unique<ChildProcess>(std::move(argv));
        EXPECT_EQ(server_event(), "open /ws");
        return client;
    }

    // The echo server's next event line.
    std::string server_event() { return server_.process->read_line(5s).value_or("<no event within 5 s>"); }

    // Ends the session by closing stdin: the client closes with 1000 and exits 0.
    void finish(ChildProcess& client) {
        client.close_stdin();
        const auto rest = client.read_all_stdout(5s);
        ASSERT_TRUE(rest) << "04-ws-client did not finish after end of input";
        EXPECT_TRUE(std::regex_match(*rest, std::regex("close: 1000 ?\n"))) << *rest;
        EXPECT_EQ(client.wait(5s), 0);
        EXPECT_EQ(server_event(), "close 1000 ");
    }

    ServerProcess server_;
};

TEST_F(WsClientPeerTest, StdinLinesAreEchoed) {
    auto client = start_client();
    client->write_stdin("hello\ngrüße 🎉\n");
    EXPECT_EQ(client->read_line(), "hello");
    EXPECT_EQ(client->read_line(), "grüße 🎉");
    EXPECT_EQ(server_event(), "text 5");
    EXPECT_EQ(server_event(), "text 12");  // UTF-8 bytes: the server got the exact text
    finish(*client);
}

// RFC 6455 5.2: 126 and 127 switch to 16- and 64-bit lengths; a real server must parse them.
TEST_F(WsClientPeerTest, LongLinesUseExtendedLengths) {
    auto client = start_client();
    for (const std::size_t size : {125u, 126u, 65535u, 65536u, 200000u}) {
        const std::string line(size, static_cast<char>('a' + size % 26));
        client->write_stdin(line + "\n");
        EXPECT_EQ(client->read_line(), line) << size << " bytes";
        EXPECT_EQ(server_event(), "text " + std::to_string(size));
    }
    finish(*client);
}

TEST_F(WsClientPeerTest, BinaryCommandSendsABinaryMessage) {
    auto client = start_client();
    client->write_stdin("/binary hello\n");
    const auto line = client->read_line();
    ASSERT_TRUE(line);
    EXPECT_TRUE(std::regex_match(*line, std::regex("binary 5 bytes: 68 ?65 ?6c ?6c ?6f", std::regex::icase)))
        << *line;
    EXPECT_EQ(server_event(), "binary 5");
    finish(*client);
}

TEST_F(WsClientPeerTest, PingCommandGetsThePongFromTheServer) {
    auto client = start_client();
    client->write_stdin("/ping are you there\n");
    EXPECT_EQ(client->read_line(), "pong: are you there");
    finish(*client);
}

TEST_F(WsClientPeerTest, CloseCommandSendsCodeAndReason) {
    auto client = start_client();
    client->write_stdin("/close 1000 bye\n");
    EXPECT_EQ(client->read_line(), "close: 1000 bye");  // the server echoes the close (RFC 6455 5.5.1)
    EXPECT_EQ(client->wait(5s), 0);
    EXPECT_EQ(server_event(), "close 1000 bye");
}

TEST_F(WsClientPeerTest, FragmentedMessageArrivesAsOneMessage) {
    auto client = start_client();
    client->write_stdin("/frag 3 hello fragmented world\n");
    EXPECT_EQ(client->read_line(), "hello fragmented world");
    EXPECT_EQ(server_event(), "text 22");
    finish(*client);
}

// --chunk 1 writes every byte in its own send(): the server must reassemble frames from pieces.
TEST_F(WsClientPeerTest, OneByteChunksAreReassembledByTheServer) {
    auto client = start_client({"--chunk", "1"});
    const std::string longer(300, 'x');  // a 16-bit length, split byte by byte too
    client->write_stdin("chunked\n" + longer + "\n/binary abc\n");
    EXPECT_EQ(client->read_line(), "chunked");
    EXPECT_EQ(client->read_line(), longer);
    const auto binary = client->read_line();
    ASSERT_TRUE(binary);
    EXPECT_TRUE(std::regex_match(*binary, std::regex("binary 3 bytes: 61 ?62 ?63", std::regex::icase)))
        << *binary;
    // Sent only now: websockets answers a ping at once, so its pong may overtake earlier echoes
    // (RFC 6455 5.4 lets control frames go between a message's frames and other messages).
    client->write_stdin("/ping p\n");
    EXPECT_EQ(client->read_line(), "pong: p");
    EXPECT_EQ(server_event(), "text 7");
    EXPECT_EQ(server_event(), "text 300");
    EXPECT_EQ(server_event(), "binary 3");
    finish(*client);
}

TEST_F(WsClientPeerTest, RefusedHandshakeExitsNonZero) {
    auto refusing = peers::start_echo_server({"--refuse-upgrades"});
    ChildProcess client({course::testing::bin_path("04-ws-client"), peers::ws_url(refusing, "/ws")});
    const auto code = client.wait(10s);
    ASSERT_TRUE(code) << "04-ws-client still running after a 403";
    EXPECT_NE(*code, 0);
    EXPECT_EQ(client.read_all_stdout(), "");
    // One clear line, and it names what the server said.
    EXPECT_TRUE(client.wait_for_stderr("403")) << client.stderr_text();
    EXPECT_EQ(refusing.process->read_line(), "refused /ws");
}

}  // namespace
