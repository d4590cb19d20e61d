// 08-chat-node as processes: a real redis-server per test (tests/support/redis_server.hpp), two
// or three nodes on port 0 sharing it, lesson 05's test client on each. Every read has a
// timeout; every process ends with its test.
#include "tests/lesson05/chat_test_client.hpp"

#include "tests/support/child_process.hpp"
#include "tests/support/haproxy_server.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/test_socket.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace {

using namespace std::chrono_literals;
using course::testing::RedisServer;
using course::testing::ServerProcess;
using course::testing::TestSocket;
using lesson05::testing::ChatTestClient;
using lesson05::testing::join;
using lesson05::testing::num;
using lesson05::testing::str;
using lesson05::testing::type_of;
using Clock = std::chrono::steady_clock;

ServerProcess start_node(const RedisServer& redis, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--redis-port", std::to_string(redis.port()), "--redis-prefix", "test"};
    args.insert(args.end(), extra.begin(), extra.end());
    return course::testing::start_server("08-chat-node", args);
}

// Waits until the node has read the stream's tail: until then a newcomer waits for its hello.
ChatTestClient connect_joined(std::uint16_t port, std::string* name = nullptr) {
    ChatTestClient client = ChatTestClient::connect(port);
    const std::string joined = join(client);
    if (name) *name = joined;
    return client;
}

std::string http_status_line(std::uint16_t port, std::string_view path) {
    TestSocket socket = TestSocket::connect(port);
    socket.send_all("GET " + std::string(path) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    std::string line = socket.read_line().value_or("");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// Reads events until `until` returns true for one (returned), skipping the others into `seen`.
template <class Until> lesson05::json::Object read_until(ChatTestClient& client, Until until,
                                                         std::vector<lesson05::json::Object>* seen = nullptr,
                                                         std::chrono::milliseconds timeout = 10s) {
    const auto deadline = Clock::now() + timeout;
    // On a timeout, say how far it got: which wait of a long scenario ran out, and after what.
    std::size_t events = 0;
    std::string last = "nothing";
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms)
            throw std::runtime_error("read_until: timed out after " + std::to_string(events) + " events");
        lesson05::json::Object event;
        try {
            event = client.next_json(left);
        } catch (const std::runtime_error& e) {
            throw std::runtime_error("read_until: " + std::string(e.what()) + " after " +
                                     std::to_string(events) + " events, the last a " + last);
        }
        ++events;
        last = type_of(event);
        if (until(event)) return event;
        if (seen) seen->push_back(std::move(event));
    }
}

TEST(ClusterTest, MessagesCrossNodesInPerSenderOrder) {
    RedisServer redis;
    std::vector<ServerProcess> nodes;
    for (int i = 0; i < 3; ++i) nodes.push_back(start_node(redis));
    std::vector<ChatTestClient> clients;
    std::vector<std::string> names(3);
    for (int i = 0; i < 3; ++i) clients.push_back(connect_joined(nodes[i].port, &names[i]));
    constexpr int per_sender = 100;
    for (int n = 0; n < per_sender; ++n) {
        for (int i = 0; i < 3; ++i) clients[i].send_text(names[i] + " " + std::to_string(n));
    }
    for (auto& client : clients) {
        std::map<std::string, int> next;  // per sender: the number expected next
        int received = 0;
        std::vector<std::string> order;  // ids, to compare the nodes' orders
        while (received < 3 * per_sender) {
            const auto event = client.next_of_type("message", 10s);
            const std::string from = str(event, "from"), text = str(event, "text");
            ASSERT_EQ(text, from + " " + std::to_string(next[from]++)) << "per-sender order";
            ++received;
        }
    }
}

TEST(ClusterTest, EveryNodeDeliversTheSameGlobalOrder) {
    RedisServer redis;
    ServerProcess a = start_node(redis), b = start_node(redis);
    std::string na, nb;
    auto ca = connect_joined(a.port, &na);
    auto cb = connect_joined(b.port, &nb);
    for (int n = 0; n < 50; ++n) {
        ca.send_text("a" + std::to_string(n));
        cb.send_text("b" + std::to_string(n));
    }
    std::vector<std::string> ids_a, ids_b;
    for (int n = 0; n < 100; ++n) ids_a.push_back(str(ca.next_of_type("message"), "id"));
    for (int n = 0; n < 100; ++n) ids_b.push_back(str(cb.next_of_type("message"), "id"));
    EXPECT_EQ(ids_a, ids_b);
    EXPECT_NE(ids_a[0].find('-'), std::string::npos) << "a stream id, as a JSON string: " << ids_a[0];
}

TEST(ClusterTest, NamesAreUniqueAcrossNodesWhenTwoRaceForOne) {
    RedisServer redis;
    ServerProcess a = start_node(redis), b = start_node(redis);
    std::string names[2];
    ChatTestClient clients[2] = {connect_joined(a.port, &names[0]), connect_joined(b.port, &names[1])};
    for (int round = 0; round < 10; ++round) {
        const std::string name = "racer" + std::to_string(round);
        for (auto& client : clients) client.send_text(R"({"type":"nick","name":")" + name + "\"}");
        int winners = 0, losers = 0;
        for (int i = 0; i < 2; ++i) {
            // Its own answer: an error, or the rename of its own name (both see the winner's).
            const auto event = read_until(clients[i], [&](const lesson05::json::Object& e) {
                return type_of(e) == "error" || (type_of(e) == "rename" && str(e, "from") == names[i]);
            });
            if (type_of(event) == "error") {
                EXPECT_NE(str(event, "text").find("is taken"), std::string::npos) << str(event, "text");
                ++losers;
            } else {
                EXPECT_EQ(str(event, "to"), name);
                names[i] = name;
                ++winners;
            }
        }
        EXPECT_EQ(winners, 1) << name;
        EXPECT_EQ(losers, 1) << name;
        // Both take a name of their own before the next round, and both see both renames.
        for (int i = 0; i < 2; ++i) {
            clients[i].send_text(R"({"type":"nick","name":"p)" + std::to_string(i) + "r" +
                                 std::to_string(round) + "\"}");
        }
        for (int i = 0; i < 2; ++i) {
            for (int seen = 0; seen < 2;) {
                seen += type_of(clients[i].next_of_type("rename")) == "rename";
            }
        }
        for (int i = 0; i < 2; ++i) names[i] = "p" + std::to_string(i) + "r" + std::to_string(round);
    }
}

TEST(ClusterTest, KilledNodesMembersLeaveOnceWithinTheTtl) {
    RedisServer redis;
    // 2 s: short for the test, long enough that a busy machine renews the living in time (a
    // renewal every 0.67 s).
    const std::vector<std::string> ttl{"--presence-ttl", "2"};
    ServerProcess doomed = start_node(redis, ttl), b = start_node(redis, ttl), c = start_node(redis, ttl);
    auto wb = connect_joined(b.port);
    auto wc = connect_joined(c.port);
    auto victim = connect_joined(doomed.port);
    victim.send_text(R"({"type":"nick","name":"victim"})");
    read_until(wb, [](const auto& e) { return type_of(e) == "rename" && str(e, "to") == "victim"; });
    read_until(wc, [](const auto& e) { return type_of(e) == "rename" && str(e, "to") == "victim"; });
    const auto killed = Clock::now();
    doomed.process->send_signal(SIGKILL);
    for (ChatTestClient* witness : {&wb, &wc}) {
        const auto leave = read_until(
            *witness, [](const auto& e) { return type_of(e) == "leave"; }, nullptr, 8s);
        EXPECT_EQ(str(leave, "name"), "victim");
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed);
    EXPECT_LT(took, 5s) << "TTL 2 s, reaped every 2/3 s";
    std::printf("leave announced %lld ms after kill -9 (TTL 2000 ms)\n",
                static_cast<long long>(took.count()));
    // Exactly once: another two TTLs, and no second leave; the name is free again.
    wb.send_text(R"({"type":"nick","name":"victim"})");
    std::vector<lesson05::json::Object> seen;
    read_until(
        wb, [](const auto& e) { return type_of(e) == "rename" && str(e, "to") == "victim"; }, &seen);
    wc.send_text("marker");
    read_until(
        wc, [](const auto& e) { return type_of(e) == "message" && str(e, "text") == "marker"; }, &seen, 5s);
    for (const auto& e : seen) EXPECT_NE(type_of(e), "leave");
    EXPECT_EQ(redis.command_line({"XLEN", "test:events"}), ":7") << "3 joins, 2 renames, 1 leave, 1 message";
}

TEST(ClusterTest, ResumeOnAnotherNodeMissesNothingAndRepeatsNothing) {
    RedisServer redis;
    const std::vector<std::string> small{"--history", "5"};
    ServerProcess a = start_node(redis, small), b = start_node(redis, small);
    std::string sender_name;
    auto sender = connect_joined(b.port, &sender_name);
    auto reader = connect_joined(a.port);
    for (int n = 0; n < 10; ++n) sender.send_text("m" + std::to_string(n));
    std::string last_seen;
    for (int n = 0; n < 10; ++n) last_seen = str(reader.next_of_type("message"), "id");
    reader.socket().reset();  // gone without a word (its node could as well have died)
    for (int n = 10; n < 40; ++n) sender.send_text("m" + std::to_string(n));
    for (int n = 10; n < 40; ++n) sender.next_of_type("message");  // all in the stream
    // Back, on the other node: resume at once, while the sender keeps talking.
    auto back = ChatTestClient::connect(b.port);
    back.send_text(R"({"type":"resume","after":")" + last_seen + "\"}");
    for (int n = 40; n < 60; ++n) sender.send_text("m" + std::to_string(n));
    std::vector<lesson05::json::Object> events;
    read_until(
        back, [](const auto& e) { return type_of(e) == "message" && str(e, "text") == "m59"; }, &events);
    std::multiset<std::string> texts;
    std::set<std::string> ids;
    int resumed = 0;
    for (const auto& e : events) {
        if (type_of(e) == "resumed") {
            ++resumed;
            EXPECT_EQ(num(e, "missed"), 25) << "m10..m34: the greeting held m35..m39";
        }
        if (type_of(e) != "message") continue;
        EXPECT_TRUE(ids.insert(str(e, "id")).second) << "duplicate id " << str(e, "id");
        texts.insert(str(e, "text"));
    }
    texts.insert("m59");
    EXPECT_EQ(resumed, 1);
    for (int n = 10; n < 60; ++n) EXPECT_EQ(texts.count("m" + std::to_string(n)), 1u) << "m" << n;
    EXPECT_EQ(texts.size(), 50u);
}

TEST(ClusterTest, RedisDownRefusesMessagesWithAnErrorAndHealthzSays503) {
    RedisServer redis;
    ServerProcess node = start_node(redis);
    auto client = connect_joined(node.port);
    EXPECT_EQ(http_status_line(node.port, "/healthz"), "HTTP/1.1 200 OK");
    redis.kill();
    const auto down = client.next_of_type("status", 10s);
    EXPECT_NE(str(down, "text").find("unreachable"), std::string::npos) << str(down, "text");
    client.send_text("into the void?");
    const auto refused = client.next_of_type("error");
    EXPECT_NE(str(refused, "text").find("not sent"), std::string::npos) << str(refused, "text");
    EXPECT_EQ(http_status_line(node.port, "/healthz"), "HTTP/1.1 503 Service Unavailable");
    redis.restart();
    client.next_of_type("status", 15s);
    EXPECT_EQ(http_status_line(node.port, "/healthz"), "HTTP/1.1 200 OK");
    // The store forgot everyone (a restart without persistence): the member is told, and joins
    // again under its name (a hello without history: this connection has it); then it chats.
    EXPECT_NE(str(client.next_of_type("status"), "text").find("joining again as"), std::string::npos);
    EXPECT_EQ(num(client.next_of_type("hello"), "history"), 0);
    client.send_text("back");
    EXPECT_EQ(str(client.next_of_type("message", 10s), "text"), "back");
}

TEST(ClusterTest, RedisRestartedUnderLoadNothingDuplicatedAndAllAfterRecoveryDelivered) {
    RedisServer redis;
    ServerProcess a = start_node(redis), b = start_node(redis);
    auto sender = connect_joined(a.port);
    auto receiver = connect_joined(b.port);
    int sent = 0;
    const auto send_some = [&](int n) {
        for (int i = 0; i < n; ++i) sender.send_text("n" + std::to_string(sent++));
    };
    std::vector<lesson05::json::Object> got;  // what the receiver gets
    send_some(1000);
    // Killed under load: once the receiver has 100 of them, with the rest on their way.
    read_until(
        receiver, [](const auto& e) { return type_of(e) == "message" && str(e, "text") == "n99"; }, &got,
        30s);
    redis.kill();
    send_some(100);  // while it is down: each refused, or delivered
    redis.restart();
    std::vector<lesson05::json::Object> echoed;  // what the sender gets: echoes, refusals
    read_until(
        sender, [](const auto& e) { return type_of(e) == "status"; }, &echoed, 30s);
    read_until(
        sender, [](const auto& e) { return type_of(e) == "hello"; }, &echoed, 30s);  // joined again
    const int first_after = sent;
    send_some(200);
    // The receiver reads until the last one; the sender counts its refusals.
    read_until(
        receiver,
        [&](const auto& e) {
            return type_of(e) == "message" && str(e, "text") == "n" + std::to_string(sent - 1);
        },
        &got, 20s);
    std::map<std::string, int> count;
    for (const auto& e : got) {
        if (type_of(e) == "message") ++count[str(e, "text")];
    }
    ++count["n" + std::to_string(sent - 1)];
    ++count["n99"];  // the ones read_until stopped at
    for (const auto& [text, n] : count) EXPECT_EQ(n, 1) << text << " duplicated";
    for (int i = first_after; i < sent; ++i)
        EXPECT_EQ(count["n" + std::to_string(i)], 1) << "n" << i << " lost after recovery";
    // The sender's side: its echoes (what its node read back) and its refusals.
    read_until(
        sender,
        [&](const auto& e) {
            return type_of(e) == "message" && str(e, "text") == "n" + std::to_string(sent - 1);
        },
        &echoed, 20s);
    int not_sent = 0, unconfirmed = 0, echoes = 1;
    for (const auto& e : echoed) {
        not_sent += type_of(e) == "error" && str(e, "text").starts_with("not sent");
        unconfirmed += type_of(e) == "error" && str(e, "text").starts_with("not confirmed");
        echoes += type_of(e) == "message";
    }
    const int before = first_after;  // sent before the recovery
    const int delivered_before = static_cast<int>(count.size()) - (sent - first_after);
    EXPECT_LE(delivered_before + not_sent, before) << "a message refused is never delivered";
    // Entries the dead Redis held but a node had not read yet are gone with it (no persistence):
    // the nodes may have delivered different parts of the burst before the crash.
    std::printf(
        "Redis killed during a burst of 1000, 100 more sent while it was down: of %d, %d reached the "
        "other node (%d the sender's own), %d refused (not sent), %d not confirmed (in flight when the "
        "link broke), at least %d accepted and lost with the unsaved Redis; all %d sent after recovery "
        "delivered once\n",
        before, delivered_before, echoes - (sent - first_after), not_sent, unconfirmed,
        std::max(0, before - delivered_before - not_sent - unconfirmed), sent - first_after);
}

TEST(ClusterTest, ChatClientOf05WorksAgainstANode) {
    RedisServer redis;
    ServerProcess node = start_node(redis);
    auto witness = connect_joined(node.port);
    course::testing::ChildProcess client(course::testing::client_argv("05-chat-client", node.port));
    client.write_stdin("/nick ada\nhello from a terminal\n");
    const auto message = witness.next_of_type("message", 10s);
    EXPECT_EQ(str(message, "from"), "ada");
    EXPECT_EQ(str(message, "text"), "hello from a terminal");
    bool saw = false;
    for (int i = 0; i < 10 && !saw; ++i) {
        const auto line = client.read_line(5s);
        if (!line) break;
        saw = line->find("ada: hello from a terminal") != std::string::npos;
    }
    EXPECT_TRUE(saw) << "the client prints the node's message";
    client.close_stdin();
    EXPECT_EQ(client.wait(5s), 0);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Three nodes behind HAProxy (the lesson's haproxy.cfg): clients spread by leastconn; a node
// killed with -9; its clients, cut off, come back through HAProxy to the others and resume.
TEST(ClusterTest, BehindHaproxyClientsOfAKilledNodeReconnectAndResumeMissingNothing) {
    RedisServer redis;
    std::vector<ServerProcess> nodes;
    for (int i = 0; i < 3; ++i) nodes.push_back(start_node(redis));
    course::testing::HaproxyServer haproxy(read_file(LESSON08_DIR "/haproxy.cfg"),
                                           {{"NODE1_PORT", std::to_string(nodes[0].port)},
                                            {"NODE2_PORT", std::to_string(nodes[1].port)},
                                            {"NODE3_PORT", std::to_string(nodes[2].port)}});
    EXPECT_EQ(http_status_line(haproxy.port(), "/healthz"), "HTTP/1.1 200 OK");
    constexpr int clients_count = 6;
    std::vector<ChatTestClient> clients;
    for (int i = 0; i < clients_count; ++i) clients.push_back(connect_joined(haproxy.port()));
    auto sender = connect_joined(nodes[2].port);  // on a node that stays
    for (int n = 0; n < 20; ++n) sender.send_text("m" + std::to_string(n));
    std::vector<std::string> last_seen(clients_count);
    for (int i = 0; i < clients_count; ++i) {
        const auto last = read_until(
            clients[i], [](const auto& e) { return type_of(e) == "message" && str(e, "text") == "m19"; });
        last_seen[i] = str(last, "id");
    }
    nodes[0].process->send_signal(SIGKILL);
    for (int n = 20; n < 60; ++n) sender.send_text("m" + std::to_string(n));
    int reconnected = 0;
    for (int i = 0; i < clients_count; ++i) {
        std::vector<lesson05::json::Object> events;
        // Until m59, or until the connection ends (its node died): a close, or TCP closed.
        bool cut = false;
        for (;;) {
            const lesson05::testing::Received r = clients[i].next(10s);
            if (r.kind != ws::Event::Kind::text) {
                cut = true;
                break;
            }
            auto parsed = lesson05::json::parse_object(r.data);
            ASSERT_TRUE(parsed.object) << r.data;
            events.push_back(std::move(*parsed.object));
            if (type_of(events.back()) == "message" && str(events.back(), "text") == "m59") {
                events.pop_back();
                break;
            }
        }
        if (cut) {
            ++reconnected;
            events.clear();
            clients[i] = ChatTestClient::connect(haproxy.port());  // redispatched to a live node
            clients[i].send_text(R"({"type":"resume","after":")" + last_seen[i] + "\"}");
            read_until(
                clients[i], [](const auto& e) { return type_of(e) == "message" && str(e, "text") == "m59"; },
                &events);
        }
        std::set<std::string> ids;
        std::set<std::string> texts{"m59"};
        for (const auto& e : events) {
            if (type_of(e) != "message") continue;
            EXPECT_TRUE(ids.insert(str(e, "id")).second)
                << "client " << i << ": duplicate " << str(e, "text");
            const int n = std::stoi(str(e, "text").substr(1));
            if (n >= 20) texts.insert(str(e, "text"));
        }
        EXPECT_EQ(texts.size(), 40u) << "client " << i << (cut ? " (reconnected)" : "")
                                     << ": m20..m59, each once";
    }
    EXPECT_GE(reconnected, 1) << "leastconn put clients on every node, so some were on the killed one";
    std::printf("%d of %d clients were on the killed node, reconnected through HAProxy and resumed\n",
                reconnected, clients_count);
}

TEST(ClusterTest, NodeStoppedBySigtermAnnouncesItsMembersLeaveAtOnceAndExitsZero) {
    RedisServer redis;
    ServerProcess a = start_node(redis), b = start_node(redis);  // TTL 10 s: a leave now is not the reaper's
    auto witness = connect_joined(b.port);
    std::string name;
    auto leaving = connect_joined(a.port, &name);
    a.process->send_signal(SIGTERM);
    EXPECT_EQ(leaving.wait_for_close(5s), 1001);
    const auto leave = read_until(
        witness, [](const auto& e) { return type_of(e) == "leave"; }, nullptr, 3s);
    EXPECT_EQ(str(leave, "name"), name);
    EXPECT_EQ(a.process->wait(5s), 0);
    EXPECT_EQ(redis.command_line({"ZCARD", "test:presence"}), ":1") << "only the witness is present";
}

}  // namespace
