// The chat server in this process (so ThreadSanitizer sees every thread), over real sockets.

#include "tests/lesson02/chat_peer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using lesson02::ChatServerConfig;
using lesson02::testing::ChatPeer;
using lesson02::testing::ServerThread;

TEST(ChatServerTest, AsksANewClientForItsName) {
    ServerThread server;
    course::testing::TestSocket client = course::testing::TestSocket::connect(server.port());
    EXPECT_EQ(client.read_line(),
              "* welcome! what is your name? (up to 32 letters, digits, '_', '-' or '.')");
}

TEST(ChatServerTest, FirstLineIsTheNameAndNickWorksToo) {
    ServerThread server;
    auto alice = ChatPeer::connect(server.port());
    alice.send_line("alice");
    EXPECT_EQ(alice.line(), "* you are alice");
    auto bob = ChatPeer::connect(server.port());
    bob.send_line("/nick bob");
    EXPECT_EQ(bob.line(), "* you are bob");
    EXPECT_EQ(alice.line(), "* bob joined");
}

TEST(ChatServerTest, ThreeClientsSeeEachOthersLinesInOrderButNeverTheirOwn) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    auto c = ChatPeer::join(server.port(), "c");
    std::vector<ChatPeer*> peers{&a, &b, &c};
    const std::vector<std::string> names{"a", "b", "c"};
    for (int i = 0; i < 5; ++i) {
        for (std::size_t p = 0; p < peers.size(); ++p) peers[p]->send_line("line " + std::to_string(i));
    }
    for (std::size_t p = 0; p < peers.size(); ++p) {
        std::map<std::string, int> next;
        for (int n = 0; n < 10; ++n) {  // 5 lines from each of the two others
            const std::string line = peers[p]->chat_line();
            const std::string sender = line.substr(0, line.find(':'));
            ASSERT_NE(sender, names[p]) << "got its own line back: " << line;
            EXPECT_EQ(line, sender + ": line " + std::to_string(next[sender]++));
        }
        // Its own lines would have been queued before the answer to /who: none came.
        peers[p]->send_line("/who");
        EXPECT_EQ(peers[p]->line(), "* here (3): a, b, c");
    }
}

TEST(ChatServerTest, NamesAreUnique) {
    ServerThread server;
    auto first = ChatPeer::join(server.port(), "alice");
    auto second = ChatPeer::connect(server.port());
    second.send_line("alice");
    EXPECT_EQ(second.line(), "! name alice is taken; try another");
    second.send_line("alice2");
    EXPECT_EQ(second.line(), "* you are alice2");
    second.send_line("/nick alice");
    EXPECT_EQ(second.line(), "! name alice is taken; try another");
}

// "Alice" and "ALICE" next to "alice" would look like one person to everyone reading.
TEST(ChatServerTest, NamesAreUniqueRegardlessOfCase) {
    ServerThread server;
    auto alice = ChatPeer::join(server.port(), "alice");
    auto other = ChatPeer::connect(server.port());
    other.send_line("ALICE");
    EXPECT_EQ(other.line(), "! name ALICE is taken; try another");
    other.send_line("/nick Alice");
    EXPECT_EQ(other.line(), "! name Alice is taken; try another");
    other.send_line("bob");
    EXPECT_EQ(other.line(), "* you are bob");
    other.send_line("/nick aLICE");
    EXPECT_EQ(other.line(), "! name aLICE is taken; try another");
    alice.send_line("/nick Alice");  // her own name in another case is hers to take
    EXPECT_EQ(alice.line(), "* bob joined");
    EXPECT_EQ(alice.line(), "* you are Alice");
    EXPECT_EQ(other.line(), "* alice is now Alice");
    other.send_line("/who");
    EXPECT_EQ(other.line(), "* here (2): Alice, bob");
}

TEST(ChatServerTest, InvalidNamesAreRefused) {
    ServerThread server;
    auto client = ChatPeer::connect(server.port());
    client.send_line("two words");
    EXPECT_EQ(client.line(), "! invalid name 'two words': use 1 to 32 letters, digits, '_', '-' or '.'");
    client.send_line("/nick");
    EXPECT_EQ(client.line(), "! invalid name '': use 1 to 32 letters, digits, '_', '-' or '.'");
    client.send_line("ok");
    EXPECT_EQ(client.line(), "* you are ok");
}

TEST(ChatServerTest, UnnamedClientsSeeNothingAndCannotTalk) {
    ServerThread server;
    auto alice = ChatPeer::join(server.port(), "alice");
    auto lurker = ChatPeer::connect(server.port());
    alice.send_line("before you had a name");
    alice.send_line("/who");
    EXPECT_EQ(alice.line(), "* here (1): alice");
    lurker.send_line("bob");
    EXPECT_EQ(lurker.line(), "* you are bob");  // not alice's line: it was sent before bob joined
    EXPECT_EQ(alice.line(), "* bob joined");
}

TEST(ChatServerTest, JoinsRenamesAndLeavesAreAnnounced) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    {
        auto b = ChatPeer::join(server.port(), "b");
        EXPECT_EQ(a.line(), "* b joined");
        b.send_line("/nick bee");
        EXPECT_EQ(b.line(), "* you are bee");
        EXPECT_EQ(a.line(), "* b is now bee");
        b.send_line("/quit");
        EXPECT_EQ(b.line(), "* bye");
        EXPECT_TRUE(b.socket().wait_for_close());
        EXPECT_EQ(a.line(), "* bee left (quit)");
    }
    {
        auto c = ChatPeer::join(server.port(), "c");
        EXPECT_EQ(a.line(), "* c joined");
    }  // closed without a word
    EXPECT_EQ(a.line(), "* c left (disconnected)");
}

TEST(ChatServerTest, HelpAndUnknownCommands) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    a.send_line("/help");
    EXPECT_EQ(a.line(),
              "* commands: /nick NAME (change your name), /who (who is here), /quit (leave), /help");
    a.send_line("/dance");
    EXPECT_EQ(a.line(), "! unknown command /dance; try /help");
}

TEST(ChatServerTest, SeveralLinesInOneReadAndOneLineAcrossManyReads) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    a.send("one\ntwo\r\nthree\n");
    for (const char c : std::string("split across reads\n")) a.send(std::string(1, c));  // one byte a send
    EXPECT_EQ(b.chat_line(), "a: one");
    EXPECT_EQ(b.chat_line(), "a: two");
    EXPECT_EQ(b.chat_line(), "a: three");
    EXPECT_EQ(b.chat_line(), "a: split across reads");
}

TEST(ChatServerTest, OverLongLineIsAnErrorAndTheStreamStaysInStep) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    a.send_line(std::string(4096, 'x'));  // exactly the limit: fine
    EXPECT_EQ(b.chat_line(), "a: " + std::string(4096, 'x'));
    a.send(std::string(4097, 'y') + "\nafter one\n");
    EXPECT_EQ(a.chat_line(), "! line too long (over 4096 bytes); dropped");
    EXPECT_EQ(b.chat_line(), "a: after one");
    // And an over-long line that arrives in pieces, with no newline for a while.
    for (int i = 0; i < 10; ++i) a.send(std::string(1000, 'z'));
    a.send("\nafter two\n");
    EXPECT_EQ(a.chat_line(), "! line too long (over 4096 bytes); dropped");
    EXPECT_EQ(b.chat_line(), "a: after two");
}

TEST(ChatServerTest, ControlCharactersAreNotRelayed) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    a.send_line("clear\x1b[2Jscreen\x07");
    EXPECT_EQ(b.chat_line(), "a: clear\\x1b[2Jscreen\\x07");
}

// C1 controls (U+009B is a one-character CSI), the raw byte 0x9B that some terminals obey too,
// and bytes that are not UTF-8 are never relayed as they are.
TEST(ChatServerTest, C1ControlsAndInvalidUtf8AreNotRelayed) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    a.send_line(
        "csi \xc2\x9b"
        "2J raw \x9b"
        "2J bad \xff\xc0\x80 surrogate \xed\xa0\x80 caf\xc3\xa9");
    EXPECT_EQ(b.chat_line(),
              "a: csi \\x9b2J raw \\x9b2J bad \\xff\\xc0\\x80 surrogate \\xed\\xa0\\x80 caf\xc3\xa9");
    a.send_line("/\x9b\x1b");
    EXPECT_EQ(a.chat_line(), "! unknown command /\\x9b\\x1b; try /help");
}

TEST(ChatServerTest, ClientResetInTheMiddleOfABroadcastHurtsNobodyElse) {
    ServerThread server;
    auto sender = ChatPeer::join(server.port(), "sender");
    auto reader = ChatPeer::join(server.port(), "reader");
    auto rude = ChatPeer::join(server.port(), "rude");
    constexpr int lines = 2000;
    std::string burst;
    for (int i = 0; i < lines; ++i)
        burst += "message " + std::to_string(i) + " " + std::string(100, '.') + "\n";
    sender.send(burst.substr(0, burst.size() / 2));
    rude.socket().reset();  // RST while lines for it are queued and in flight
    sender.send(burst.substr(burst.size() / 2));
    // The reset reaches whichever of rude's two threads touches the socket first. If its writer's
    // send gets ECONNRESET, the kernel hands the error out once and rude's reader then reads a
    // plain end of stream: both threads end the member, and the first to do so names the reason.
    const auto rude_left = [](const std::string& line) {
        return line == "* rude left (connection lost)" || line == "* rude left (disconnected)";
    };
    bool told = false;
    for (int i = 0; i < lines;) {
        const std::string line = reader.line();
        if (rude_left(line)) {
            told = true;
        } else if (line.rfind("* ", 0) != 0) {
            ASSERT_EQ(line, "sender: message " + std::to_string(i++) + " " + std::string(100, '.'));
        }
    }
    while (!told) told = rude_left(reader.line());
    auto next = ChatPeer::join(server.port(), "next");
    EXPECT_EQ(reader.line(), "* next joined");
}

TEST(ChatServerTest, FullServerRefusesPolitely) {
    ChatServerConfig config;
    config.max_clients = 2;
    ServerThread server(config);
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    auto third = course::testing::TestSocket::connect(server.port());
    EXPECT_EQ(third.read_line(), "! server full (2 clients); try again later");
    EXPECT_TRUE(third.wait_for_close());
}

TEST(ChatServerTest, ClientWithoutANameIsDroppedAfterTheNameTimeout) {
    ChatServerConfig config;
    config.session.name_timeout = 200ms;
    ServerThread server(config);
    auto silent = ChatPeer::connect(server.port());
    EXPECT_EQ(silent.line(), "! no name after 0.2 s; disconnecting");
    EXPECT_TRUE(silent.socket().wait_for_close());
}

// A client that drips one byte of a name now and then, never a whole line, used to restart the
// name timeout with every byte: it held its two threads for ever, and a few hundred such
// connections from one peer filled every slot. The name timeout is a deadline from accept.
TEST(ChatServerTest, NameTimeoutIsADeadlineFromAcceptNotFromTheLastByte) {
    ChatServerConfig config;
    config.session.name_timeout = 1s;
    ServerThread server(config);
    auto dripper = ChatPeer::connect(server.port());
    constexpr int most_drips = 40;  // one byte every 250 ms: 10 s, ten times the name timeout
    int drips = 0;
    // silent_for is the pause between two drips, and it ends early when the server speaks.
    while (drips < most_drips && dripper.socket().silent_for(250ms)) {
        dripper.send("x");
        ++drips;
    }
    ASSERT_LT(drips, most_drips) << "still connected after dripping a byte every 250 ms for 10 s";
    EXPECT_EQ(dripper.line(), "! no name after 1 s; disconnecting");
    EXPECT_TRUE(dripper.socket().wait_for_close());
}

TEST(ChatServerTest, StopTellsEveryClientAndJoinsEveryThread) {
    ServerThread server;
    auto a = ChatPeer::join(server.port(), "a");
    auto b = ChatPeer::join(server.port(), "b");
    auto unnamed = ChatPeer::connect(server.port());
    a.skip_until("* b joined");
    ASSERT_TRUE(server.stop());  // run() returned: every session thread was joined
    for (ChatPeer* peer : {&a, &b, &unnamed}) {
        EXPECT_EQ(peer->line(), "* server shutting down");
        EXPECT_TRUE(peer->socket().wait_for_close());
    }
    EXPECT_EQ(server.server().client_count(), 0u);
}

}  // namespace
