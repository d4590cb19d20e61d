// The room on its own: plain outboxes stand in for clients, no sockets, no server.

#include "room.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using lesson02::Outbox;
using lesson02::Room;
using Result = Room::NameResult;

// An outbox with only a hard bound that matters (the timed rules would need an hour).
std::shared_ptr<Outbox> outbox(std::size_t hard_bytes = 1 << 20) {
    const course::BackpressureLimits limits{
        .hard_bytes = hard_bytes, .soft_bytes = hard_bytes, .soft_time = std::chrono::hours(1)};
    return std::make_shared<Outbox>(limits, [](course::Backpressure) { return "! too slow\n"; });
}

// Everything queued so far, without waiting (pop() would wait for more), as a writer takes
// and writes it.
std::string drain(Outbox& box) {
    if (box.waiting_bytes() == 0) return {};
    std::string bytes = box.pop(1 << 30).bytes;
    box.sent(bytes.size());
    return bytes;
}

TEST(RoomTest, JoinTellsTheNewcomerItsNameAndTheOthersItJoined) {
    Room room;
    auto a = outbox(), b = outbox();
    EXPECT_EQ(room.join(1, "alice", a), Result::ok);
    EXPECT_EQ(drain(*a), "* you are alice\n");
    EXPECT_EQ(room.join(2, "bob", b), Result::ok);
    EXPECT_EQ(drain(*b), "* you are bob\n");
    EXPECT_EQ(drain(*a), "* bob joined\n");
    EXPECT_EQ(room.size(), 2u);
}

TEST(RoomTest, NamesAreUniqueAndValid) {
    Room room;
    auto a = outbox(), b = outbox();
    EXPECT_EQ(room.join(1, "alice", a), Result::ok);
    EXPECT_EQ(room.join(2, "alice", b), Result::taken);
    EXPECT_EQ(room.join(2, "al ice", b), Result::invalid);
    EXPECT_EQ(drain(*b), "");
    EXPECT_EQ(room.size(), 1u);
}

TEST(RoomTest, NamesAreUniqueWithoutRegardToCase) {
    Room room;
    auto a = outbox(), b = outbox();
    EXPECT_EQ(room.join(1, "alice", a), Result::ok);
    EXPECT_EQ(room.join(2, "ALICE", b), Result::taken);
    EXPECT_EQ(room.join(2, "Alice", b), Result::taken);
    EXPECT_EQ(room.join(2, "bob", b), Result::ok);
    EXPECT_EQ(room.rename(2, "aLiCe"), Result::taken);
    drain(*a), drain(*b);
    // A member may change the case of its own name; the others see it.
    EXPECT_EQ(room.rename(1, "Alice"), Result::ok);
    EXPECT_EQ(drain(*a), "* you are Alice\n");
    EXPECT_EQ(drain(*b), "* alice is now Alice\n");
    EXPECT_EQ(room.names(), (std::vector<std::string>{"Alice", "bob"}));  // sorted as people read
    room.leave(1, "quit");
    EXPECT_EQ(room.join(3, "ALICE", outbox()), Result::ok);  // free again once she has left
}

TEST(RoomTest, SayGoesToEveryoneButTheSender) {
    Room room;
    auto a = outbox(), b = outbox(), c = outbox();
    room.join(1, "alice", a);
    room.join(2, "bob", b);
    room.join(3, "carol", c);
    drain(*a), drain(*b), drain(*c);
    EXPECT_TRUE(room.say(2, "hello"));
    EXPECT_EQ(drain(*a), "bob: hello\n");
    EXPECT_EQ(drain(*b), "");
    EXPECT_EQ(drain(*c), "bob: hello\n");
}

TEST(RoomTest, NonMembersCannotSay) {
    Room room;
    auto a = outbox();
    room.join(1, "alice", a);
    drain(*a);
    EXPECT_FALSE(room.say(7, "who am I?"));
    EXPECT_EQ(drain(*a), "");
}

TEST(RoomTest, RenameIsAnnouncedAndFreesTheOldName) {
    Room room;
    auto a = outbox(), b = outbox(), c = outbox();
    room.join(1, "alice", a);
    room.join(2, "bob", b);
    drain(*a), drain(*b);
    EXPECT_EQ(room.rename(2, "alice"), Result::taken);
    EXPECT_EQ(room.rename(2, "bob"), Result::unchanged);
    EXPECT_EQ(room.rename(2, "robert"), Result::ok);
    EXPECT_EQ(drain(*b), "* you are robert\n");
    EXPECT_EQ(drain(*a), "* bob is now robert\n");
    EXPECT_EQ(room.join(3, "bob", c), Result::ok);
    room.say(2, "hi");
    EXPECT_EQ(drain(*a), "* bob joined\nrobert: hi\n");
}

TEST(RoomTest, LeaveIsAnnouncedWithItsReasonOnce) {
    Room room;
    auto a = outbox(), b = outbox();
    room.join(1, "alice", a);
    room.join(2, "bob", b);
    drain(*a);
    room.leave(2, "quit");
    room.leave(2, "again");
    EXPECT_EQ(drain(*a), "* bob left (quit)\n");
    EXPECT_EQ(room.names(), std::vector<std::string>{"alice"});
}

TEST(RoomTest, SilentLeaveTellsNobody) {
    Room room;
    auto a = outbox(), b = outbox();
    room.join(1, "alice", a);
    room.join(2, "bob", b);
    drain(*a);
    room.leave(2, "", false);
    EXPECT_EQ(drain(*a), "");
    EXPECT_EQ(room.size(), 1u);
}

TEST(RoomTest, NamesAreSorted) {
    Room room;
    for (const char* name : {"carol", "alice", "bob"}) room.join(room.size() + 1, name, outbox());
    EXPECT_EQ(room.names(), (std::vector<std::string>{"alice", "bob", "carol"}));
}

TEST(RoomTest, AnnounceReachesEveryone) {
    Room room;
    auto a = outbox(), b = outbox();
    room.join(1, "alice", a);
    room.join(2, "bob", b);
    drain(*a), drain(*b);
    room.announce("server shutting down");
    EXPECT_EQ(drain(*a), "* server shutting down\n");
    EXPECT_EQ(drain(*b), "* server shutting down\n");
}

// Runs `work` on a thread of its own and waits up to `limit` for it, so that a deadlock (a thread
// waiting for a lock it holds itself) fails the test instead of hanging it. On a timeout the
// thread is left blocked, holding only what `work` captured, which it keeps alive.
bool finishes_within(std::chrono::milliseconds limit, std::function<void()> work) {
    auto done = std::make_shared<std::promise<void>>();
    auto finished = done->get_future();
    std::thread([done, work = std::move(work)] {
        work();
        done->set_value();
    }).detach();
    return finished.wait_for(limit) == std::future_status::ready;
}

TEST(RoomTest, MemberWhoseOutboxEvictsItIsRemovedAndTheOthersAreTold) {
    auto room = std::make_shared<Room>();
    // Room for "* you are slow\n" and one chat line with their overhead, not for two.
    auto a = outbox(), b = outbox(), slow = outbox(200);
    room->join(1, "alice", a);
    room->join(2, "bob", b);
    room->join(3, "slow", slow);
    drain(*a), drain(*b);
    // The eviction happens inside say(), and removing the member takes the room's lock: a say()
    // that pushes while it still holds the lock waits for itself, for ever.
    ASSERT_TRUE(finishes_within(std::chrono::seconds(10), [room] {
        for (int i = 0; i < 10; ++i) room->say(1, "line " + std::to_string(i));  // slow never drains
    })) << "say() deadlocked: does it push (and so evict) while holding the room's lock?";
    EXPECT_EQ(slow->eviction(), course::Backpressure::over_hard_bound);
    EXPECT_EQ(room->names(), (std::vector<std::string>{"alice", "bob"}));
    const std::string to_bob = drain(*b);
    EXPECT_NE(to_bob.find("* slow left (too slow, disconnected)\n"), std::string::npos) << to_bob;
    for (int i = 0; i < 10; ++i) {
        EXPECT_NE(to_bob.find("alice: line " + std::to_string(i) + "\n"), std::string::npos) << i;
    }
    EXPECT_EQ(slow->pop(1024).bytes, "! too slow\n");
}

// The race of the naive chat server: threads joining, talking and leaving while others walk
// the member list. With the lock every line arrives, in order per sender; without it this
// test crashes or ThreadSanitizer reports the race.
TEST(RoomTest, ConcurrentJoinSayAndLeaveLoseNoLineAndKeepOrder) {
    constexpr int talkers = 6, rounds = 20, lines_per_round = 25;
    Room room;
    auto listener = outbox(64 << 20);
    room.join(1, "listener", listener);
    std::vector<std::thread> threads;
    for (int t = 0; t < talkers; ++t) {
        threads.emplace_back([&room, t] {
            const lesson02::MemberId id = 100 + t;
            for (int r = 0; r < rounds; ++r) {
                auto mine = outbox(64 << 20);
                ASSERT_EQ(room.join(id, "t" + std::to_string(t), mine), Result::ok);
                for (int i = 0; i < lines_per_round; ++i)
                    room.say(id, std::to_string(r * lines_per_round + i));
                room.leave(id, "done");
            }
        });
    }
    for (auto& thread : threads) thread.join();
    std::istringstream received(drain(*listener));
    std::map<std::string, int> next;  // sender -> the number it must send next
    int chat_lines = 0;
    for (std::string line; std::getline(received, line);) {
        if (line.rfind("* ", 0) == 0) continue;
        const auto colon = line.find(": ");
        ASSERT_NE(colon, std::string::npos) << line;
        const std::string sender = line.substr(0, colon);
        EXPECT_EQ(std::stoi(line.substr(colon + 2)), next[sender]++) << "out of order from " << sender;
        ++chat_lines;
    }
    EXPECT_EQ(chat_lines, talkers * rounds * lines_per_round);
    EXPECT_EQ(room.size(), 1u);
}

}  // namespace
