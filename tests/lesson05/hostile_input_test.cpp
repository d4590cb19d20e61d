// 05-chat-server against hostile input, over real sockets: every text frame it sends is valid
// UTF-8 whatever it is sent, names that could pass for the server or its staff are refused,
// and connections give back the memory of a large message once it is handled.
#include "chat_test_client.hpp"
#include "proc_memory.hpp"

#include "ws/utf8.hpp"

#include "tests/support/child_process.hpp"

#include <gtest/gtest.h>

#include <iostream>
#include <vector>

namespace {

using namespace std::chrono_literals;
using course::testing::ServerProcess;
using course::testing::start_server;
using lesson05::testing::ChatTestClient;
using lesson05::testing::join;
using lesson05::testing::Received;
using lesson05::testing::rss_bytes;
using lesson05::testing::start_measured_server;
using lesson05::testing::str;

// Every frame a client gets until the message `marker` comes back: each must be a text frame
// of valid UTF-8 (ws::Connection would report anything else as an error event with 1007).
::testing::AssertionResult all_utf8_until(ChatTestClient& client, const std::string& marker,
                                          std::size_t& frames) {
    for (;;) {
        const Received r = client.next();
        if (r.kind != ws::Event::Kind::text) {
            return ::testing::AssertionFailure()
                   << "got " << ws::event_kind_name(r.kind) << " " << r.code << " " << r.data;
        }
        if (!ws::is_valid_utf8(r.data)) return ::testing::AssertionFailure() << "not UTF-8: " << r.data;
        ++frames;
        if (r.data.find(marker) != std::string::npos) return ::testing::AssertionSuccess();
    }
}

// What a hostile client sends: unknown types, names and messages built to make the server cut,
// quote or echo text in the middle of a character, in raw UTF-8 and as JSON escapes.
std::vector<std::string> hostile_messages() {
    std::vector<std::string> out;
    const char* characters[] = {"\xC3\xA9", "\xE2\x82\xAC",   "\xF0\x9F\x98\x80", "\\u00e9",
                                "\\u20ac",  "\\ud83d\\ude00", "\\u0000",          "\\u202e",
                                "\\ufeff",  "\\uffff",        "\xEF\xBF\xBF",     "\xCC\x81"};
    for (const char* c : characters) {
        for (std::size_t lead = 20; lead <= 36; ++lead) {
            std::string repeated;
            for (int i = 0; i < 12; ++i) repeated += c;
            const std::string text = std::string(lead, 'a') + repeated;
            out.push_back(R"({"type":")" + text + "\"}");                // unknown type, quoted back
            out.push_back(R"({"type":"nick","name":")" + text + "\"}");  // refused name
            out.push_back(R"({"type":"message","text":")" + text + "\"}");
            out.push_back(text);  // plain text (escapes stay literal)
        }
    }
    out.push_back(R"({"type":")" + std::string(20'000, 'x') + "\xC3\xA9\"}");  // a very long type
    out.push_back(
        R"({"type":"message","text":"\ud800"})");  // a lone surrogate: not strict JSON, sent as it stands
    out.push_back(R"({"type":"message","text":"x","type":"who"})");  // a duplicate key
    out.push_back(R"({"type":"nick","name":"admin"})");
    out.push_back(R"({"type":"who"})");
    out.push_back(R"({"type":"message","text":""})");
    return out;
}

TEST(ChatHostileInputTest, EveryTextFrameTheServerSendsIsValidUtf8) {  // RFC 6455 8.1
    ServerProcess server = start_server("05-chat-server");
    auto witness = ChatTestClient::connect(server.port);
    join(witness);
    auto attacker = ChatTestClient::connect(server.port);
    join(attacker);
    const auto messages = hostile_messages();
    std::size_t attacker_frames = 0, witness_frames = 0;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        attacker.send_text(messages[i]);
        const std::string marker = "marker " + std::to_string(i);
        attacker.send_text(marker);  // every answer to messages[i] comes before its echo
        ASSERT_TRUE(all_utf8_until(attacker, marker, attacker_frames))
            << "after sending " << messages[i].substr(0, 80);
        ASSERT_TRUE(all_utf8_until(witness, marker, witness_frames))
            << "after sending " << messages[i].substr(0, 80);
    }
    std::cerr << messages.size() << " hostile messages: " << attacker_frames << " frames to the sender, "
              << witness_frames << " to a witness, all valid UTF-8\n";
}

TEST(ChatHostileInputTest, NamesThatCouldPassForTheServerOrItsStaffAreRefused) {
    ServerProcess server = start_server("05-chat-server");
    auto witness = ChatTestClient::connect(server.port);
    join(witness);
    auto mallory = ChatTestClient::connect(server.port);
    const std::string name = join(mallory);
    for (const char* role :
         {"server", "Server", "ADMIN", "System", "sys.tem", "Admin_2", "root", "moderator", "guest7"}) {
        mallory.send_text(std::string(R"({"type":"nick","name":")") + role + "\"}");
        const auto error = mallory.next_of_type("error");
        EXPECT_NE(str(error, "text").find("could pass for the server"), std::string::npos)
            << role << ": " << str(error, "text");
    }
    mallory.send_text(R"({"type":"who"})");
    const auto who = mallory.next_of_type("users");
    ASSERT_NE(who.find("users"), nullptr);
    EXPECT_EQ(who.find("users")->items.size(), 2u);
    for (const auto& user : who.find("users")->items)
        EXPECT_TRUE(user == name || user.starts_with("guest-")) << user;
    mallory.send_text(R"({"type":"nick","name":"mallory"})");
    EXPECT_EQ(str(witness.next_of_type("rename"), "to"), "mallory") << "an ordinary name still works";
}

TEST(ChatHostileInputTest, IdleConnectionsGiveBackTheMemoryOfALargeMessage) {
    // 200 connections send one message of 64 KB each, one after the other (an unknown type,
    // padded, so only the sender gets an answer), and then sit idle. Each message's buffer is
    // freed once the message is handled and the next one reuses the memory: the server grows
    // by about an idle connection each (3.5 KiB), not by a 64 KiB buffer each.
    constexpr std::size_t connections = 200;
    ServerProcess server =
        start_measured_server("05-chat-server", {"--history", "0", "--presence-limit", "0"});
    std::vector<ChatTestClient> clients;
    for (std::size_t i = 0; i < connections; ++i) {
        clients.push_back(ChatTestClient::connect(server.port));
        join(clients.back());
    }
    const std::size_t idle = rss_bytes(server.process->pid());
    const std::string big = R"({"type":"x","pad":")" + std::string(65'000, 'a') + "\"}";
    for (auto& client : clients) {
        client.send_text(big);
        client.next_of_type("error");  // handled
    }
    const std::size_t after = rss_bytes(server.process->pid());
    const double per_connection = (static_cast<double>(after) - static_cast<double>(idle)) / connections;
    std::cerr << connections << " connections: server RSS " << idle / 1024 << " KiB idle, " << after / 1024
              << " KiB after a 64 KB message each: " << per_connection << " bytes more per connection\n";
    EXPECT_LT(per_connection, 16.0 * 1024);
}

}  // namespace
