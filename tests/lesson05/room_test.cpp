// The room with fake members: who hears what, in which order, and what a broadcast costs.
#include "room.hpp"

#include "json.hpp"

#include <gtest/gtest.h>

namespace {

using lesson05::FramePtr;
using lesson05::Room;

// Records frames; can refuse like a slow session whose queue is full.
class FakeMember : public lesson05::Member {
public:
    bool enqueue(const FramePtr& frame, bool exempt) override {
        if (refuse && !exempt) return false;
        const bool was_empty = queue.empty();
        queue.push_back(frame);
        return was_empty;
    }
    void flush() override {
        ++flushes;
        for (const auto& f : queue) sent.push_back(f);
        queue.clear();
    }
    // The JSON "type" of each frame sent so far (frames here are small: a 2-byte header).
    std::vector<std::string> types() const {
        std::vector<std::string> out;
        for (const auto& f : sent)
            out.emplace_back(lesson05::json::parse_object(f->substr(2)).object->string("type").value_or("?"));
        return out;
    }
    std::string payload(std::size_t i) const { return sent.at(i)->substr(2); }
    std::vector<FramePtr> queue, sent;
    int flushes = 0;
    bool refuse = false;
};

TEST(RoomTest, JoinGreetsAndAnnounces) {
    Room room;
    FakeMember a, b;
    room.join(a);
    room.join(b);
    room.flush();
    EXPECT_EQ(a.name(), "guest-1");
    EXPECT_EQ(b.name(), "guest-2");
    EXPECT_EQ(a.types(), (std::vector<std::string>{"hello", "join", "join"}));
    EXPECT_EQ(b.types(), (std::vector<std::string>{"hello", "join"}));
    EXPECT_EQ(room.size(), 2u);
}

TEST(RoomTest, BroadcastSharesOneEncodingAndFlushesOncePerBatch) {
    Room room;
    FakeMember members[5];
    for (auto& m : members) room.join(m);
    room.flush();
    for (auto& m : members) m.flushes = 0;
    room.say(members[0], "one");
    room.say(members[1], "two");
    room.flush();
    for (auto& m : members) {
        EXPECT_EQ(m.flushes, 1) << "two messages, one flush";
        ASSERT_GE(m.sent.size(), 2u);
        EXPECT_EQ(m.sent[m.sent.size() - 2].get(), members[0].sent[members[0].sent.size() - 2].get())
            << "the same bytes for everyone, not copies";
    }
    EXPECT_EQ(room.messages(), 2u);
}

TEST(RoomTest, HistoryKeepsTheLastMessagesForNewcomers) {
    Room room(lesson05::RoomConfig{3, 200, 100, 1000});
    FakeMember a;
    room.join(a);
    for (int i = 1; i <= 5; ++i) room.say(a, "m" + std::to_string(i));
    FakeMember b;
    room.join(b);
    room.flush();
    EXPECT_EQ(b.types(), (std::vector<std::string>{"hello", "message", "message", "message", "join"}));
    EXPECT_NE(b.payload(0).find("\"history\":3"), std::string::npos);
    EXPECT_NE(b.payload(1).find("\"text\":\"m3\""), std::string::npos);
    EXPECT_NE(b.payload(3).find("\"text\":\"m5\""), std::string::npos);
}

TEST(RoomTest, RenameChecksUniquenessAndAnnounces) {
    Room room;
    FakeMember a, b;
    room.join(a);
    room.join(b);
    room.rename(a, "Ada");
    EXPECT_EQ(a.name(), "Ada");
    room.rename(b, "ADA");
    EXPECT_EQ(b.name(), "guest-2");
    room.rename(a, "ada");  // the same person may change case
    EXPECT_EQ(a.name(), "ada");
    room.leave(a);
    room.rename(b, "Ada");  // free again once its owner left
    EXPECT_EQ(b.name(), "Ada");
    room.flush();
    const auto types = b.types();
    EXPECT_EQ(std::count(types.begin(), types.end(), "rename"), 3);
    EXPECT_EQ(std::count(types.begin(), types.end(), "error"), 1);
    EXPECT_EQ(std::count(types.begin(), types.end(), "leave"), 1);
}

TEST(RoomTest, LeaveOfADirtyMemberDropsItFromTheFlush) {
    Room room;
    FakeMember a;
    {
        FakeMember b;
        room.join(a);
        room.join(b);
        room.say(a, "queued for b");
        room.leave(b);  // b goes away before the flush: the room must not touch it again
    }
    room.flush();
    EXPECT_EQ(a.types().back(), "leave");
    EXPECT_EQ(room.size(), 1u);
}

TEST(RoomTest, PresenceNoticesStopPastTheLimit) {
    Room room(lesson05::RoomConfig{50, 2, 100, 1000});
    FakeMember a, b, c;
    room.join(a);
    room.join(b);
    room.join(c);  // the third: only it hears of its own join
    room.flush();
    EXPECT_EQ(a.types(), (std::vector<std::string>{"hello", "join", "join"}));
    EXPECT_EQ(c.types(), (std::vector<std::string>{"hello", "join"}));
    EXPECT_NE(c.payload(0).find("\"online\":3"), std::string::npos);
}

TEST(RoomTest, NewcomersWholeGreetingIsExemptFromItsBounds) {
    // A newcomer that refuses everything not exempt (as a session far behind would) still gets
    // all of its greeting: hello, the history, and its own join, in that order.
    Room room;
    FakeMember a, newcomer;
    room.join(a);
    room.say(a, "one");
    room.say(a, "two");
    room.flush();
    newcomer.refuse = true;
    room.join(newcomer);
    room.flush();
    EXPECT_EQ(newcomer.types(), (std::vector<std::string>{"hello", "message", "message", "join"}));
    EXPECT_EQ(a.types().back(), "join") << "the others hear of it as usual";
}

TEST(RoomTest, RefusingMemberDoesNotStopOthers) {
    Room room;
    FakeMember a, slow, c;
    room.join(a);
    room.join(slow);
    room.join(c);
    room.flush();
    slow.refuse = true;
    const std::size_t before = slow.sent.size();
    room.say(a, "x");
    room.flush();
    EXPECT_EQ(slow.sent.size(), before);
    EXPECT_EQ(a.types().back(), "message");
    EXPECT_EQ(c.types().back(), "message");
}

// Resume (chat_room.hpp): a greeting holds the whole history, so nothing kept can be missing from
// it; the room says so, or how many messages are gone, or that the id is unknown.
TEST(RoomTest, ResumeAfterAKeptIdSaysNothingWasMissed) {
    Room room(lesson05::RoomConfig{3, 200, 100, 1000});
    FakeMember a;
    room.join(a);
    for (int i = 1; i <= 5; ++i) room.say(a, "m" + std::to_string(i));  // ids 1..5, history 3..5
    FakeMember b;
    room.join(b);
    room.resume(b, "2");  // 3, 4, 5 came in b's greeting
    room.flush();
    EXPECT_EQ(b.types().back(), "resumed");
    EXPECT_EQ(b.payload(b.sent.size() - 1), R"({"type":"resumed","after":"2","missed":0})");
}

TEST(RoomTest, ResumeAfterAnIdOlderThanTheHistoryNamesWhatIsGone) {
    Room room(lesson05::RoomConfig{3, 200, 100, 1000});
    FakeMember a;
    room.join(a);
    for (int i = 1; i <= 5; ++i) room.say(a, "m" + std::to_string(i));
    FakeMember b;
    room.join(b);
    room.resume(b, "0");  // 1 and 2 are gone
    room.flush();
    EXPECT_EQ(b.types().back(), "error");
    EXPECT_NE(b.payload(b.sent.size() - 1).find("the 2 message(s) after 0"), std::string::npos);
}

TEST(RoomTest, ResumeWithAnUnknownIdIsAnError) {
    Room room;
    FakeMember a;
    room.join(a);
    room.say(a, "one");
    for (const char* id : {"2", "x", "1-0", "-1", "99999999999999999999999"}) {
        room.resume(a, id);
        room.flush();
        EXPECT_EQ(a.types().back(), "error") << id;
    }
}

}  // namespace
