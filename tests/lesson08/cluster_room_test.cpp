// The cluster node's room (ClusterRoom) against an in-memory store shared by several nodes
// (fake_store.hpp): each test is a script of steps, and the test decides when a node's requests
// are carried out and when it reads the stream, so races and outages happen exactly there.
#include "cluster_room.hpp"

#include "fake_store.hpp"
#include "json.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <set>

namespace {

using lesson05::FramePtr;
using lesson08::ClusterRoom;
using lesson08::ClusterRoomConfig;
using lesson08::testing::FakeBackplane;
using lesson08::testing::FakeStore;

std::string payload_of(const std::string& frame) {
    const std::size_t length = static_cast<unsigned char>(frame[1]) & 0x7F;
    return frame.substr(length < 126 ? 2 : length == 126 ? 4 : 10);
}

class FakeMember : public lesson05::Member {
public:
    bool enqueue(const FramePtr& frame, bool) override {
        const bool was_empty = queue.empty();
        queue.push_back(frame);
        return was_empty;
    }
    void flush() override {
        for (const auto& f : queue) sent.push_back(payload_of(*f));
        frames.insert(frames.end(), queue.begin(), queue.end());
        queue.clear();
    }
    lesson05::json::Object event(std::size_t i) const {
        return *lesson05::json::parse_object(sent.at(i)).object;
    }
    std::string field(std::size_t i, std::string_view key) const {
        return std::string(event(i).string(key).value_or(""));
    }
    std::vector<std::string> types() const {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < sent.size(); ++i) out.push_back(field(i, "type"));
        return out;
    }
    // The texts of the chat messages received, in order.
    std::vector<std::string> texts() const {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < sent.size(); ++i) {
            if (field(i, "type") == "message") out.push_back(field(i, "text"));
        }
        return out;
    }
    std::string last_message_id() const {
        for (std::size_t i = sent.size(); i-- > 0;) {
            if (field(i, "type") == "message") return field(i, "id");
        }
        return "";
    }
    std::vector<std::string> sent;        // payloads, as flushed
    std::vector<FramePtr> queue, frames;  // frames: every one flushed
    bool got(std::string_view type, std::string_view text_part) const {
        for (std::size_t i = 0; i < sent.size(); ++i) {
            if (field(i, "type") == type && sent[i].find(text_part) != std::string::npos) return true;
        }
        return false;
    }
};

struct Node {
    Node(FakeStore& s, const std::string& name, ClusterRoomConfig config = {})
        : store(s), backplane(s, name),
          room(std::make_shared<ClusterRoom>(backplane, with_prefix(config, name))) {
        room->link_up();
        lesson08::Snapshot snapshot;
        if (!store.stream.empty()) snapshot.last_id = store.stream.back().id;
        snapshot.newest_first.assign(store.stream.rbegin(), store.stream.rend());
        for (const auto& [token, n] : store.names) snapshot.online.emplace_back(token, n);
        room->load(snapshot);
    }
    static ClusterRoomConfig with_prefix(ClusterRoomConfig config, const std::string& name) {
        config.token_prefix = name;
        return config;
    }
    void read() { room->on_entries(store.read_after(room->last_id())); }

    FakeStore& store;
    FakeBackplane backplane;
    std::shared_ptr<ClusterRoom> room;
};

// Until nothing is left to do: every node's requests carried out, every node caught up.
void settle(std::initializer_list<Node*> nodes) {
    for (int round = 0; round < 50; ++round) {
        std::size_t done = 0;
        for (Node* node : nodes) done += node->backplane.answer();
        for (Node* node : nodes) node->read();
        if (done == 0) return;
    }
    FAIL() << "the nodes did not settle";
}

TEST(ChatNodeRoomTest, NewcomerIsGreetedWhenItsJoinEntryIsRead) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada;
    a.room->join(ada);
    a.room->flush();
    EXPECT_TRUE(ada.in_room());
    EXPECT_TRUE(ada.sent.empty()) << "nothing before the join is in the stream";
    a.backplane.answer();  // the join is appended...
    a.room->flush();
    EXPECT_TRUE(ada.sent.empty()) << "...but the greeting waits until the node reads it";
    a.read();
    EXPECT_EQ(ada.types(), (std::vector<std::string>{"hello", "join"}));
    EXPECT_EQ(ada.field(0, "name"), "guest-1");
    EXPECT_EQ(ada.name(), "guest-1");
}

TEST(ChatNodeRoomTest, MessagesReachEveryNodeInOneOrder) {
    FakeStore store;
    Node a(store, "a"), b(store, "b");
    FakeMember ada, bob;
    a.room->join(ada);
    b.room->join(bob);
    settle({&a, &b});
    for (int i = 0; i < 5; ++i) {
        a.room->say(ada, "a" + std::to_string(i));
        b.room->say(bob, "b" + std::to_string(i));
    }
    // Node b's requests are carried out first: the stream's order, not the call order, is the order.
    b.backplane.answer();
    a.backplane.answer();
    a.read();
    b.read();
    const std::vector<std::string> expected{"b0", "b1", "b2", "b3", "b4", "a0", "a1", "a2", "a3", "a4"};
    EXPECT_EQ(ada.texts(), expected);
    EXPECT_EQ(bob.texts(), expected);
    EXPECT_EQ(ada.sent.back(), bob.sent.back()) << "the same event, byte for byte, on both nodes";
}

TEST(ChatNodeRoomTest, OneEncodingIsSharedByTheNodesMembers) {
    FakeStore store;
    Node a(store, "a");
    FakeMember m1, m2, m3;
    for (FakeMember* m : {&m1, &m2, &m3}) a.room->join(*m);
    settle({&a});
    a.room->say(m1, "hi");
    settle({&a});
    EXPECT_EQ(m1.texts().back(), "hi");
    EXPECT_EQ(m1.frames.back().get(), m2.frames.back().get()) << "the same bytes, not copies";
    EXPECT_EQ(m2.frames.back().get(), m3.frames.back().get());
}

TEST(ChatNodeRoomTest, NamesAreUniqueAcrossNodesEvenWhenTwoRace) {
    FakeStore store;
    Node a(store, "a"), b(store, "b");
    FakeMember x, y;
    a.room->join(x);
    b.room->join(y);
    settle({&a, &b});
    a.room->rename(x, "ada");
    b.room->rename(y, "ADA");  // the same name without regard to case
    settle({&a, &b});
    EXPECT_EQ(x.name(), "ada");
    EXPECT_EQ(y.name(), "guest-2");
    EXPECT_TRUE(y.got("error", "the name ADA is taken"));
    EXPECT_EQ(store.count("rename"), 1u);
    // Released on leave: the name is free again.
    a.room->leave(x);
    b.room->rename(y, "Ada");
    settle({&a, &b});
    EXPECT_EQ(y.name(), "Ada");
}

TEST(ChatNodeRoomTest, DeadNodesMembersLeaveOnceAfterTheTtl) {
    FakeStore store;
    Node a(store, "a"), b(store, "b"), c(store, "c");
    FakeMember ada, bob, cy;
    a.room->join(ada);
    b.room->join(bob);
    c.room->join(cy);
    settle({&a, &b, &c});
    // Node a dies: it renews nothing any more. b and c tick every third of the TTL (renew
    // theirs, reap the rest), both at once: one of them removes the token.
    for (int step = 1; step <= 4; ++step) {
        store.now += store.ttl / 3 + (step == 3 ? 1 : 0);
        b.room->tick();
        c.room->tick();
        settle({&b, &c});
        if (step < 3) {
            EXPECT_EQ(store.count("leave"), 0u) << "not before the TTL";
        }
    }
    EXPECT_EQ(store.count("leave"), 1u);
    EXPECT_EQ(bob.types().back(), "leave");
    EXPECT_EQ(bob.field(bob.sent.size() - 1, "name"), "guest-1");
    EXPECT_EQ(cy.types().back(), "leave");
}

TEST(ChatNodeRoomTest, StoreDownRefusesMessagesWithAnErrorAndTellsEveryone) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada, bob;
    a.room->join(ada);
    a.room->join(bob);
    settle({&a});
    a.room->link_down("connection refused");
    a.room->flush();
    EXPECT_EQ(ada.types().back(), "status") << "news about the store, not an answer to a command";
    a.room->say(ada, "lost?");
    a.room->rename(ada, "ada");
    a.room->who(ada);
    a.room->flush();
    const auto types = ada.types();
    EXPECT_EQ(std::vector<std::string>(types.end() - 3, types.end()),
              (std::vector<std::string>{"error", "error", "error"}));
    EXPECT_NE(ada.sent[ada.sent.size() - 3].find("not sent"), std::string::npos);
    EXPECT_EQ(a.backplane.queued(), 0u) << "nothing is sent to a store that is down";
    a.room->link_up();
    a.room->flush();
    EXPECT_EQ(bob.types().back(), "status");
}

// A link error after the command was sent: Redis may or may not have run it, and the member is
// told exactly that (a refusal before sending says "not sent").
TEST(ChatNodeRoomTest, MessageTheLinkLosesInFlightIsNotConfirmed) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada;
    a.room->join(ada);
    settle({&a});
    a.room->say(ada, "in flight");
    a.backplane.fail("LINK timeout: no reply within 2000 ms");
    EXPECT_EQ(ada.types().back(), "error");
    EXPECT_NE(ada.sent.back().find("not confirmed (the others may or may not get it): LINK timeout"),
              std::string::npos)
        << ada.sent.back();
}

TEST(ChatNodeRoomTest, NewcomerWhileTheStoreIsDownJoinsWhenItIsBack) {
    FakeStore store;
    Node a(store, "a");
    a.room->link_down("refused");
    FakeMember ada;
    a.room->join(ada);
    a.room->flush();
    EXPECT_EQ(ada.types(), (std::vector<std::string>{"status"}));
    a.room->link_up();
    settle({&a});
    EXPECT_EQ(ada.types(), (std::vector<std::string>{"status", "status", "hello", "join"}));
}

// The resume rule: the replay covers after < id < the first message of the greeting; live
// frames that arrive while the replay is on its way are held and follow it.
TEST(ChatNodeRoomTest, ResumeOnAnotherNodeMissesNothingAndRepeatsNothing) {
    FakeStore store;
    ClusterRoomConfig small;
    small.history = 3;
    Node a(store, "a", small), b(store, "b", small);
    FakeMember sender, reader;
    b.room->join(sender);
    a.room->join(reader);
    settle({&a, &b});
    for (int i = 0; i < 4; ++i) b.room->say(sender, "m" + std::to_string(i));
    settle({&a, &b});
    const std::string seen = reader.last_message_id();  // m3
    a.room->leave(reader);                              // node a dies, say
    for (int i = 4; i < 12; ++i) b.room->say(sender, "m" + std::to_string(i));
    settle({&a, &b});
    FakeMember back;  // the same person, on node b
    b.room->join(back);
    b.room->resume(back, seen);  // before its greeting: answered after it
    settle({&b});
    // The greeting has m9..m11 (history 3); the resume replays m4..m8.
    b.room->say(sender, "m12");
    b.backplane.answer();  // m12 appended; not read yet
    b.room->say(sender, "m13");
    // Now the read of m12 and the resume's range, and m13, interleave:
    b.read();
    settle({&b});
    std::vector<std::string> got = back.texts();
    EXPECT_EQ(got,
              (std::vector<std::string>{"m9", "m10", "m11", "m4", "m5", "m6", "m7", "m8", "m12", "m13"}));
    const auto types = back.types();
    EXPECT_NE(std::find(types.begin(), types.end(), "resumed"), types.end());
    std::set<std::string> ids;
    for (std::size_t i = 0; i < back.sent.size(); ++i) {
        if (back.field(i, "type") == "message") {
            EXPECT_TRUE(ids.insert(back.field(i, "id")).second) << "duplicate";
        }
    }
}

TEST(ChatNodeRoomTest, LiveFramesWaitForTheReplay) {
    FakeStore store;
    ClusterRoomConfig small;
    small.history = 1;
    Node a(store, "a", small), b(store, "b", small);
    FakeMember sender;
    b.room->join(sender);
    settle({&a, &b});
    for (int i = 0; i < 3; ++i) b.room->say(sender, "m" + std::to_string(i));
    settle({&a, &b});
    const std::string after_m0 = store.read_after("0-0")[1].id;  // the join, then m0
    FakeMember back;
    a.room->join(back);
    settle({&a, &b});  // greeted with m2
    a.room->resume(back, after_m0);
    ASSERT_EQ(a.backplane.queued(), 1u) << "the range request, not answered yet";
    b.room->say(sender, "live");
    b.backplane.answer();
    a.read();  // "live" arrives before the replay: held
    a.room->flush();
    EXPECT_EQ(back.texts(), (std::vector<std::string>{"m2"}));
    a.backplane.answer();
    EXPECT_EQ(back.texts(), (std::vector<std::string>{"m2", "m1", "live"}));
    EXPECT_EQ(back.types()[back.types().size() - 2], "resumed");
    EXPECT_EQ(back.event(back.sent.size() - 2).find("missed")->integer, 1);
}

TEST(ChatNodeRoomTest, FailedReplayIsAnErrorAndTheHeldFramesFollow) {
    FakeStore store;
    ClusterRoomConfig small;
    small.history = 1;
    Node a(store, "a", small);
    FakeMember sender, back;
    a.room->join(sender);
    settle({&a});
    a.room->say(sender, "m0");
    a.room->say(sender, "m1");
    settle({&a});
    a.room->join(back);
    settle({&a});
    a.room->resume(back, "0-0");
    a.backplane.fail("LINK down: test");
    a.room->flush();
    EXPECT_EQ(back.types().back(), "error");
    EXPECT_NE(back.sent.back().find("cannot resume"), std::string::npos);
}

TEST(ChatNodeRoomTest, ResumeAfterWhatTheGreetingHoldsMissesNothing) {
    FakeStore store;
    Node a(store, "a");
    FakeMember sender, back;
    a.room->join(sender);
    settle({&a});
    a.room->say(sender, "m0");
    settle({&a});
    a.room->join(back);
    settle({&a});
    a.room->resume(back, store.stream[1].id);
    a.room->flush();
    EXPECT_EQ(back.types().back(), "resumed");
    EXPECT_EQ(back.event(back.sent.size() - 1).find("missed")->integer, 0);
    EXPECT_EQ(a.backplane.queued(), 0u) << "nothing to ask the store";
    a.room->resume(back, "not-an-id");
    a.room->flush();
    EXPECT_EQ(back.types().back(), "error");
}

TEST(ChatNodeRoomTest, MemberTheStoreForgotJoinsAgainUnderItsName) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada;
    a.room->join(ada);
    settle({&a});
    a.room->rename(ada, "ada");
    settle({&a});
    store.forget_members();  // Redis restarted empty: presence, names and claims are gone
    a.room->tick();
    settle({&a});
    EXPECT_EQ(ada.name(), "ada");
    const auto types = ada.types();
    // A second hello, or the member was never told to join again (and the lines below have
    // nothing to look at).
    ASSERT_EQ(std::count(types.begin(), types.end(), "hello"), 2);
    EXPECT_EQ(ada.event(ada.sent.size() - 2).find("history")->integer, 0) << "no history twice";
    EXPECT_EQ(ada.event(ada.sent.size() - 2).find("online")->integer, 1) << "the old token is not counted";
    EXPECT_EQ(store.names.size(), 1u);
}

// Node b reads late (its link to the restarted store came back after a's): a message in the
// stream before bob's new join entry still reaches bob, who never left his connection.
TEST(ChatNodeRoomTest, MemberJoiningAgainMissesNothingLive) {
    FakeStore store;
    Node a(store, "a"), b(store, "b");
    FakeMember ada, bob;
    a.room->join(ada);
    b.room->join(bob);
    settle({&a, &b});
    store.forget_members();  // Redis restarted empty
    a.room->tick();
    settle({&a});  // ada is back first, and talks
    a.room->say(ada, "while bob joins again");
    a.backplane.answer();
    b.room->tick();
    b.backplane.answer();  // bob's join entry, after the message
    b.read();
    const auto types = bob.types();
    ASSERT_EQ(std::count(types.begin(), types.end(), "hello"), 2) << "bob joined again";
    EXPECT_EQ(bob.texts(), std::vector<std::string>{"while bob joins again"});
    EXPECT_EQ(bob.field(bob.sent.size() - 2, "type"), "hello") << "the message came before the hello";
    a.room->say(ada, "after");
    settle({&a, &b});
    EXPECT_EQ(bob.texts(), (std::vector<std::string>{"while bob joins again", "after"})) << "once each";
}

TEST(ChatNodeRoomTest, LeaveWhileJoiningLeavesNothingBehind) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada;
    a.room->join(ada);
    a.room->leave(ada);  // before the join is even carried out
    settle({&a});
    EXPECT_TRUE(store.presence.empty());
    EXPECT_EQ(store.count("join"), 1u);
    EXPECT_EQ(store.count("leave"), 1u);
    EXPECT_EQ(a.room->size(), 0u);
}

TEST(ChatNodeRoomTest, CommandsBeforeTheGreetingRunAfterItInOrder) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada;
    a.room->join(ada);
    a.room->rename(ada, "ada");  // lesson 05's clients may speak at once
    a.room->say(ada, "first");
    a.room->who(ada);
    settle({&a});
    // The answer to who comes straight back; the rename and the message come through the
    // stream, read after it. In the store they happened in the order sent.
    EXPECT_EQ(ada.types(), (std::vector<std::string>{"hello", "join", "users", "rename", "message"}));
    EXPECT_NE(ada.sent[2].find(R"("users":["ada"])"), std::string::npos);
    EXPECT_EQ(ada.field(4, "from"), "ada");
}

TEST(ChatNodeRoomTest, EarlyCommandsAreBounded) {
    FakeStore store;
    ClusterRoomConfig config;
    config.max_early = 2;
    Node a(store, "a", config);
    FakeMember ada;
    a.room->join(ada);
    for (int i = 0; i < 3; ++i) a.room->say(ada, "m" + std::to_string(i));
    a.room->flush();
    EXPECT_TRUE(ada.got("error", "too many commands before you joined"));
    settle({&a});
    EXPECT_EQ(ada.texts(), (std::vector<std::string>{"m0", "m1"}));
}

TEST(ChatNodeRoomTest, ADeadNodesManyMembersAreAllReapedInOneTick) {
    FakeStore store;
    store.reap_limit = 2;  // a reap request removes at most 2
    Node a(store, "a"), b(store, "b");
    FakeMember members[7], witness;
    for (FakeMember& m : members) a.room->join(m);
    b.room->join(witness);
    settle({&a, &b});
    store.now += store.ttl;  // a is dead: b renews its own first
    for (const auto& [token, name] : store.names) {
        if (token.starts_with("b.")) store.presence[token] = store.now + store.ttl;
    }
    b.room->tick();
    settle({&b});  // a does nothing any more
    EXPECT_EQ(store.count("leave"), 7u);
    EXPECT_EQ(store.presence.size(), 1u);
}

TEST(ChatNodeRoomTest, JoinSentAgainAfterALostReplyJoinsOnce) {
    FakeStore store;
    Node a(store, "a");
    FakeMember ada;
    a.room->join(ada);
    // The join runs, but the link breaks before its reply: the room cannot tell.
    a.backplane.lose_replies("LINK down: connection reset");
    a.backplane.answer();
    a.backplane.lose_replies("");
    a.room->link_down("connection reset");
    a.room->link_up();  // the join is sent again
    settle({&a});
    EXPECT_EQ(store.count("join"), 1u);
    EXPECT_EQ(ada.name(), "guest-1");
    const auto types = ada.types();
    EXPECT_EQ(std::count(types.begin(), types.end(), "hello"), 1);
}

}  // namespace
