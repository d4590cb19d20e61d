// 05-chat-server as a process, over real sockets: the chat rules, the limits and the defences.
#include "chat_test_client.hpp"

#include "ws/frame.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>

namespace {

using namespace std::chrono_literals;
using course::testing::ServerProcess;
using course::testing::start_server;
using course::testing::TestSocket;
using lesson05::testing::ChatTestClient;
using lesson05::testing::join;
using lesson05::testing::num;
using lesson05::testing::str;
using lesson05::testing::type_of;

std::string masked_frame(ws::Opcode opcode, std::string_view payload) {
    std::string out;
    const ws::MaskKey key{1, 2, 3, 4};
    ws::append_frame(out, opcode, payload, true, &key);
    return out;
}

TEST(ChatServerTest, ServesThePageOnRoot) {
    ServerProcess server = start_server("05-chat-server");
    TestSocket socket = TestSocket::connect(server.port);
    socket.send_all("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string response;
    for (;;) {  // the server closes after the page
        const std::string bytes = socket.read_some(5s);
        if (bytes.empty()) break;
        response += bytes;
    }
    // The head exactly (ws::http_ok_response), with the page's Content-Security-Policy.
    const std::size_t body = response.find("\r\n\r\n") + 4;
    EXPECT_EQ(response.substr(0, body),
              "HTTP/1.1 200 OK\r\n"
              "Content-Type: text/html; charset=utf-8\r\n"
              "Content-Length: " +
                  std::to_string(response.size() - body) +
                  "\r\n"
                  "Connection: close\r\n"
                  "Cache-Control: no-store\r\n"
                  "X-Content-Type-Options: nosniff\r\n"
                  "Content-Security-Policy: default-src 'self'; script-src 'unsafe-inline'; "
                  "style-src 'unsafe-inline'; img-src data:; connect-src 'self' ws: wss:\r\n"
                  "\r\n");
    EXPECT_NE(response.find("id=\"status\""), std::string::npos);
    EXPECT_NE(response.find("</html>"), std::string::npos) << "the whole page, then the server closes";
    // The page names its icon as a data: URL (allowed by its CSP), so no browser visit logs
    // GET /favicon.ico -> 404 as if something were broken.
    EXPECT_NE(response.find("<link rel=\"icon\" href=\"data:image/svg+xml,"), std::string::npos);
    EXPECT_NE(response.find("img-src data:"), std::string::npos);
}

TEST(ChatServerTest, UnknownPathGets404) {
    ServerProcess server = start_server("05-chat-server");
    TestSocket socket = TestSocket::connect(server.port);
    socket.send_all("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_TRUE(socket.read_line().value_or("").starts_with("HTTP/1.1 404"));
}

TEST(ChatServerTest, NewcomersGetUniqueGuestNamesAndHello) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    const auto hello = a.next_of_type("hello");
    EXPECT_EQ(str(hello, "name"), "guest-1");
    EXPECT_EQ(num(hello, "online"), 1);
    EXPECT_EQ(num(hello, "history"), 0);
    auto b = ChatTestClient::connect(server.port);
    const auto hello_b = b.next_of_type("hello");
    EXPECT_EQ(str(hello_b, "name"), "guest-2");
    EXPECT_EQ(num(hello_b, "online"), 2);
    const auto* users = hello_b.find("users");
    ASSERT_NE(users, nullptr);
    EXPECT_EQ(users->items, (std::vector<std::string>{"guest-1", "guest-2"}));
    EXPECT_EQ(str(a.next_of_type("join"), "name"), "guest-1");
    EXPECT_EQ(str(a.next_of_type("join"), "name"), "guest-2") << "everyone hears of a newcomer";
}

TEST(ChatServerTest, BroadcastReachesEveryoneInEachSendersOrder) {
    ServerProcess server = start_server("05-chat-server");
    constexpr int clients = 4, per_sender = 100;
    std::vector<ChatTestClient> chat;
    std::vector<std::string> names;
    for (int i = 0; i < clients; ++i) {
        chat.push_back(ChatTestClient::connect(server.port));
        names.push_back(join(chat.back()));
    }
    for (int i = 0; i < clients; ++i) {  // the others' joins, before any message
        for (int j = i + 1; j < clients; ++j) ASSERT_EQ(type_of(chat[i].next_of_type("join")), "join");
    }
    // Interleaved: every client sends, in turn, both plain text and the JSON form.
    for (int k = 0; k < per_sender; ++k) {
        for (int i = 0; i < clients; ++i) {
            const std::string text = names[i] + " #" + std::to_string(k);
            if (k % 2) chat[i].send_text(text);
            else chat[i].send_text(R"({"type":"message","text":")" + text + "\"}");
        }
    }
    for (int i = 0; i < clients; ++i) {
        std::map<std::string, int> next;  // per sender: the number expected next
        for (int n = 0; n < clients * per_sender; ++n) {
            const auto m = chat[i].next_of_type("message");
            const std::string from = str(m, "from");
            const std::string text = str(m, "text");
            EXPECT_EQ(text, from + " #" + std::to_string(next[from]++)) << "at client " << i;
        }
        for (const auto& name : names) EXPECT_EQ(next[name], per_sender) << name << " at client " << i;
    }
}

TEST(ChatServerTest, TextIsCarriedVerbatimInsideJson) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    const std::string text = "<img src=x onerror=alert(1)> \"quoted\" back\\slash tab\t é 😀";
    a.send_text(text);
    const auto r = a.next();
    ASSERT_EQ(r.kind, ws::Event::Kind::text);
    EXPECT_NE(r.data.find("<img src=x onerror=alert(1)>"), std::string::npos) << r.data;
    lesson05::json::ParseResult parsed = lesson05::json::parse_object(r.data);
    ASSERT_TRUE(parsed.object) << parsed.error;
    EXPECT_EQ(str(*parsed.object, "text"), text);
}

TEST(ChatServerTest, RenameIsAnnouncedAndNamesStayUnique) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    const std::string a_name = join(a);
    auto b = ChatTestClient::connect(server.port);
    const std::string b_name = join(b);
    a.next_of_type("join");
    a.send_text(R"({"type":"nick","name":"Ada"})");
    for (auto* c : {&a, &b}) {
        const auto r = c->next_of_type("rename");
        EXPECT_EQ(str(r, "from"), a_name);
        EXPECT_EQ(str(r, "to"), "Ada");
    }
    b.send_text(R"({"type":"nick","name":"ada"})");  // case-insensitively taken
    EXPECT_NE(str(b.next_of_type("error"), "text").find("taken"), std::string::npos);
    b.send_text(R"({"type":"nick","name":"guest-99"})");
    EXPECT_NE(str(b.next_of_type("error"), "text").find("guest-"), std::string::npos);
    b.send_text(R"({"type":"nick","name":"no spaces"})");
    b.next_of_type("error");
    b.send_text(R"({"type":"who"})");
    const auto who = b.next_of_type("users");
    const auto* users = who.find("users");
    ASSERT_NE(users, nullptr);
    EXPECT_EQ(std::set<std::string>(users->items.begin(), users->items.end()),
              (std::set<std::string>{"Ada", b_name}));
    b.send_text("after");
    EXPECT_EQ(str(a.next_of_type("message"), "from"), b_name);
    EXPECT_EQ(str(b.next_of_type("message"), "from"), b_name);
    a.send_text("from ada");
    EXPECT_EQ(str(b.next_of_type("message"), "from"), "Ada");
}

TEST(ChatServerTest, UnknownJsonTypeGetsAnErrorEvent) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    a.send_text(R"({"type":"dance"})");
    EXPECT_NE(str(a.next_of_type("error"), "text").find("unknown type"), std::string::npos);
    a.send_text(R"({"not json")");  // not JSON at all: a chat message as it stands
    EXPECT_EQ(str(a.next_of_type("message"), "text"), R"({"not json")");
}

TEST(ChatServerTest, NewcomerGetsTheLastFiftyMessages) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    for (int i = 1; i <= 60; ++i) a.send_text("m" + std::to_string(i));
    for (int i = 1; i <= 60; ++i) ASSERT_EQ(str(a.next_of_type("message"), "text"), "m" + std::to_string(i));
    auto b = ChatTestClient::connect(server.port);
    const auto hello = b.next_of_type("hello");
    EXPECT_EQ(num(hello, "history"), 50);
    for (int i = 11; i <= 60; ++i) {
        const auto m = b.next_json();
        EXPECT_EQ(type_of(m), "message");
        EXPECT_EQ(str(m, "text"), "m" + std::to_string(i));
    }
    EXPECT_EQ(type_of(b.next_json()), "join") << "the history comes before anything live";
}

TEST(ChatServerTest, AbruptDisconnectIsAnnouncedAsLeave) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    auto b = ChatTestClient::connect(server.port);
    const std::string b_name = join(b);
    b.socket().reset();  // RST, no close frame: a crashed client
    EXPECT_EQ(str(a.next_of_type("leave"), "name"), b_name);
    auto c = ChatTestClient::connect(server.port);
    EXPECT_EQ(num(c.next_of_type("hello"), "online"), 2);
}

TEST(ChatServerTest, SilentPeerIsDroppedAfterIdleTimeout) {
    ServerProcess server = start_server("05-chat-server", {"--ping-interval", "0.2", "--idle-timeout", "1"});
    auto alive = ChatTestClient::connect(server.port);
    join(alive);
    auto dead = ChatTestClient::connect(server.port);
    dead.answer_pings = false;  // a peer that vanished without a FIN: pings go unanswered
    const std::string dead_name = join(dead);
    // `alive` answers the pings it gets while it waits, so it stays.
    EXPECT_EQ(str(alive.next_of_type("leave", 5s), "name"), dead_name);
    EXPECT_EQ(dead.wait_for_close(5s), 0) << "dropped without a closing handshake";
    alive.send_text("still here");
    EXPECT_EQ(str(alive.next_of_type("message"), "text"), "still here");
}

// Resume (README: Resume): a client back after a short absence has nothing missing (its greeting
// holds the whole history); after a long one it is told how many messages are gone.
TEST(ChatServerTest, ResumeSaysWhatTheGreetingCouldNotHold) {
    ServerProcess server = start_server("05-chat-server", {"--history", "3"});
    auto a = ChatTestClient::connect(server.port);
    join(a);
    for (int n = 1; n <= 5; ++n) a.send_text("m" + std::to_string(n));
    for (int n = 1; n <= 5; ++n) a.next_of_type("message");
    auto b = ChatTestClient::connect(server.port);
    join(b);  // its history: 3, 4, 5
    b.send_text(R"({"type":"resume","after":"2"})");
    const auto resumed = b.next_of_type("resumed");
    EXPECT_EQ(str(resumed, "after"), "2");
    EXPECT_EQ(num(resumed, "missed"), 0);
    b.send_text(R"({"type":"resume","after":0})");  // a number works too
    EXPECT_NE(str(b.next_of_type("error"), "text").find("the 2 message(s) after 0 are no longer kept"),
              std::string::npos);
}

TEST(ChatServerTest, ShutdownClosesEveryoneWithGoingAway) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    auto b = ChatTestClient::connect(server.port);
    join(b);
    a.send_text("last words");
    b.next_of_type("message");
    server.process->send_signal(SIGTERM);
    for (auto* c : {&a, &b}) {
        EXPECT_EQ(c->wait_for_close(), ws::close_code::going_away);
        c->socket().shutdown_write();  // our FIN, as a client does once the closing handshake is done
    }
    EXPECT_EQ(server.process->wait(), 0);
}

TEST(ChatServerTest, SighupClosesEveryoneWithGoingAwayAndExitsZero) {  // the terminal went away
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    server.process->send_signal(SIGHUP);
    EXPECT_EQ(a.wait_for_close(), ws::close_code::going_away);
    a.socket().shutdown_write();
    EXPECT_EQ(server.process->wait(), 0);
    EXPECT_TRUE(server.process->wait_for_stderr("received SIGHUP, shutting down"));
}

TEST(ChatServerTest, ProtocolViolationsGetTheirCloseCodesWhileOthersChatOn) {
    ServerProcess server = start_server("05-chat-server", {"--max-message", "1000"});
    auto witness = ChatTestClient::connect(server.port);
    join(witness);
    struct Case {
        const char* what;
        std::string bytes;
        std::uint16_t code;
    };
    std::string unmasked;
    ws::append_frame(unmasked, ws::Opcode::text, "hi", true, nullptr);
    const Case cases[] = {
        {"unmasked frame", unmasked, ws::close_code::protocol_error},  // RFC 6455 5.1
        {"invalid UTF-8", masked_frame(ws::Opcode::text, "\xC3\x28"),
         ws::close_code::invalid_payload},  // 8.1
        {"too big", masked_frame(ws::Opcode::text, std::string(1001, 'x')), ws::close_code::message_too_big},
        {"binary", masked_frame(ws::Opcode::binary, "\x01\x02"), ws::close_code::unsupported_data},
        {"reserved opcode", masked_frame(static_cast<ws::Opcode>(0x3), "x"), ws::close_code::protocol_error},
    };
    for (const Case& c : cases) {
        auto bad = ChatTestClient::connect(server.port);
        const std::string name = join(bad);
        bad.send_raw(c.bytes);
        EXPECT_EQ(bad.wait_for_close(), c.code) << c.what;
        EXPECT_EQ(str(witness.next_of_type("leave"), "name"), name) << c.what;
        witness.send_text(std::string("after ") + c.what);
        EXPECT_EQ(str(witness.next_of_type("message"), "text"), std::string("after ") + c.what);
    }
}

TEST(ChatServerTest, SlowReaderIsClosedWhileOthersGetEverything) {
    ServerProcess server = start_server("05-chat-server", {"--max-queue", "65536", "--history", "0"});
    auto sender = ChatTestClient::connect(server.port);
    join(sender);
    auto reader = ChatTestClient::connect(server.port);
    join(reader);
    auto slow = ChatTestClient::connect(server.port);
    const std::string slow_name = join(slow);  // ... and then never reads again
    sender.next_of_type("join");
    sender.next_of_type("join");
    reader.next_of_type("join");
    const std::string filler(2000, 'f');
    constexpr int messages = 3000;  // 6 MB: more than the slow one's socket buffers and queue hold
    int sender_got = 0, reader_got = 0;
    bool saw_leave = false;
    for (int i = 0; i < messages; ++i) {
        sender.send_text(std::to_string(i) + " " + filler);
        // Keep both fast clients reading, so that only `slow` falls behind.
        while (sender_got <= i) {
            const auto m = sender.next_json();
            if (type_of(m) == "message") {
                ASSERT_TRUE(str(m, "text").starts_with(std::to_string(sender_got) + " "));
                ++sender_got;
            } else if (type_of(m) == "leave") {
                saw_leave = str(m, "name") == slow_name;
            }
        }
        while (reader_got <= i) {
            const auto m = reader.next_json();
            if (type_of(m) == "message") {
                ASSERT_TRUE(str(m, "text").starts_with(std::to_string(reader_got) + " "));
                ++reader_got;
            }
        }
    }
    EXPECT_EQ(sender_got, messages);
    EXPECT_EQ(reader_got, messages);
    EXPECT_TRUE(saw_leave) << "the slow reader was taken out of the room";
    // What the slow one finally reads: some messages, then the close with 1008.
    EXPECT_EQ(slow.wait_for_close(10s), ws::close_code::policy_violation);
}

TEST(ChatServerTest, ConnectionsBeyondTheMaximumGet503) {
    ServerProcess server = start_server("05-chat-server", {"--max-connections", "2"});
    auto a = ChatTestClient::connect(server.port);
    join(a);
    auto b = ChatTestClient::connect(server.port);
    join(b);
    TestSocket third = TestSocket::connect(server.port);
    EXPECT_TRUE(third.read_line().value_or("").starts_with("HTTP/1.1 503"));
}

TEST(ChatServerTest, ForeignOriginIsRefused) {  // cross-site WebSocket hijacking
    ServerProcess server = start_server("05-chat-server", {"--allowed-origin", "http://chat.example"});
    EXPECT_TRUE(
        ChatTestClient::refused_handshake(server.port, "http://evil.example").starts_with("HTTP/1.1 403"));
    auto ok = ChatTestClient::connect(server.port, "http://chat.example");
    EXPECT_EQ(type_of(ok.next_json()), "hello");
}

TEST(ChatServerTest, ClientCloseIsAnsweredAndAnnounced) {
    ServerProcess server = start_server("05-chat-server");
    auto a = ChatTestClient::connect(server.port);
    join(a);
    auto b = ChatTestClient::connect(server.port);
    const std::string b_name = join(b);
    b.close(1000);
    EXPECT_EQ(b.wait_for_close(), 1000);
    EXPECT_TRUE(b.socket().wait_for_close()) << "the server closes TCP after the handshake";
    EXPECT_EQ(str(a.next_of_type("leave"), "name"), b_name);
}

TEST(ChatServerTest, ClientThatNeverAnswersOurCloseIsDroppedAfterTheCloseTimeout) {  // RFC 6455 7.1.1
    // Once our close is sent (here 1003 for a binary message), the client has the close
    // timeout to answer it, not the idle timeout.
    ServerProcess server = start_server("05-chat-server", {"--close-timeout", "0.3", "--idle-timeout", "60"});
    auto c = ChatTestClient::connect(server.port);
    join(c);
    c.send_raw(masked_frame(ws::Opcode::binary, "\x01\x02"));
    EXPECT_TRUE(c.socket().wait_for_close(5s))
        << "our close is never answered: the bytes are read, not parsed";
    EXPECT_TRUE(server.process->wait_for_stderr("the peer did not finish closing in time"));
}

}  // namespace

namespace {

TEST(ChatServerTest, IncompleteRequestIsDroppedAfterHandshakeTimeout) {
    ServerProcess server = start_server("05-chat-server", {"--handshake-timeout", "0.3"});
    TestSocket socket = TestSocket::connect(server.port);
    socket.send_all("GET /ws HTTP/1.1\r\nHost: x\r\n");  // never finished
    EXPECT_TRUE(socket.wait_for_close(5s));
    auto ok = ChatTestClient::connect(server.port);  // the server goes on
    EXPECT_EQ(type_of(ok.next_json()), "hello");
}

TEST(ChatServerTest, TraceShowsHandshakeChecksAndFrames) {
    ServerProcess server = start_server("05-chat-server", {"--trace"});
    auto a = ChatTestClient::connect(server.port);
    join(a);
    a.send_text("traced");
    a.next_of_type("message");
    EXPECT_TRUE(server.process->wait_for_stderr("opening handshake, checks in order"));
    EXPECT_TRUE(server.process->wait_for_stderr("frame in:"));
    EXPECT_TRUE(server.process->wait_for_stderr("frame out"));
}

}  // namespace
