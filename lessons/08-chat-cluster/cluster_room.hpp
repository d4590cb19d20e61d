#pragma once
// The chat room of a cluster node: lesson 05's ChatRoom, with the chat kept in Redis so that
// any number of nodes share it. Sans-IO: it decides, a Backplane (backplane.hpp) carries out,
// and the node feeds it what the stream says (on_entries) and how the link is (link_up/down).
// The tests drive it with a fake backplane.
//
// One path for every event. A node never delivers what its own clients do: say, join, leave
// and rename are appended to the one stream, and the room delivers an event to its local
// members when it reads it back (on_entries), in the stream's order, encoded once and shared.
// So every member of every node sees the same events in the same order.
//
// Joining: join() puts the member in `joining_` (in the room for the session, deaf to events)
// and asks the backplane for a name and a join entry. When the room reads that entry it greets
// the member (hello, the last `history` messages, its own join: exempt frames) and moves it to
// `present_`: from that entry on it gets everything live. A newcomer waits for the store: while
// the link is down, or before the node has read the stream's tail (load), it is told so. What
// it sends before its greeting (up to `max_early` commands) is run right after the greeting.
//
// Resume (ChatRoom::resume): no message twice on one connection, none missing after `after`.
// A member's connection got the messages of its greeting and everything live from its join
// entry on, so what it may lack lies between `after` and the first of those: `greeting_end`
// (the first history message of its greeting, or its join entry). The room asks for the
// entries after < id < greeting_end (an upper bound fixed at the greeting, so the answer can
// never overlap what comes live) and, while that answer is on its way, holds the member's live
// frames; then it sends the missed messages, `resumed`, and the held frames, in that order.
// Presence (join, leave, rename) is not replayed: hello lists who is online.
//
// Presence: a member is present while its token is in the store; the node renews its members'
// tokens every tick (a third of the TTL) and every node reaps the expired tokens of any node
// (a dead one's), appending their leave exactly once. A member the store forgot (reaped after a
// long outage, or Redis restarted empty) is told and joins again under its name if it is free;
// greeted once, it stays in `present_` meanwhile, so a connected member misses nothing live.
//
// The store down: members stay connected and get an error event; whatever needs the store
// (say, rename, who, resume) is refused with an error event, never dropped silently; when the
// link is back they get a status event and the node reads on from its last id.

#include "audience.hpp"
#include "backplane.hpp"
#include "chat_event.hpp"
#include "chat_room.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lesson08 {

struct ClusterRoomConfig {
    std::string token_prefix = "node";  // tokens are PREFIX.N: the node's name and a boot nonce
    std::size_t history = 50;           // chat messages replayed to a newcomer
    std::size_t presence_limit = 200;  // members online (cluster-wide) up to which join/leave/rename are sent
    std::size_t hello_names = 100;     // names listed in a newcomer's hello
    std::size_t who_names = 1000;      // names listed in the answer to "who"
    std::size_t max_replay = 10'000;   // messages a resume replays at most
    std::size_t max_held = 10'000;     // live frames held for a member while its resume is answered
    std::size_t renew_batch = 500;     // tokens per renew request
    std::size_t max_early = 100;       // commands a newcomer may send before its greeting (kept, then run)
};

// The stream's tail and who is online, read at once (one Lua script) when the node starts.
struct Snapshot {
    std::string last_id = "0-0";                              // the newest entry ("0-0": none)
    std::vector<StreamEntry> newest_first;                    // the last entries, newest first
    std::vector<std::pair<std::string, std::string>> online;  // token -> name
};

class ClusterRoom final : public lesson05::ChatRoom, public std::enable_shared_from_this<ClusterRoom> {
public:
    ClusterRoom(Backplane& backplane, ClusterRoomConfig config);

    // ---- lesson05::ChatRoom: what the sessions call
    void join(lesson05::Member& member) override;
    void leave(lesson05::Member& member, bool quietly = false) override;  // announced even if quietly
    void say(lesson05::Member& member, std::string_view text) override;
    void rename(lesson05::Member& member, std::string_view name) override;
    void who(lesson05::Member& member) override;
    void resume(lesson05::Member& member, std::string_view after) override;
    void error(lesson05::Member& member, std::string_view text) override;
    void flush() override;
    std::size_t size() const noexcept override { return seats_.size(); }

    // ---- what the node tells the room
    void load(const Snapshot& snapshot);
    bool loaded() const noexcept { return loaded_; }
    // Where the node reads on from (XREAD ... last_id).
    const std::string& last_id() const noexcept { return last_id_; }
    void on_entries(const std::vector<StreamEntry>& entries);
    void link_up();
    void link_down(std::string_view why);
    bool up() const noexcept { return link_ == Link::up; }
    // Heartbeat: renews this node's members, reaps expired ones (anyone's). Every TTL/3.
    void tick();

    std::size_t online() const noexcept { return online_.size(); }  // cluster-wide, as this node has read it
    std::uint64_t events_read() const noexcept { return events_read_; }

private:
    enum class Link { down, up };
    enum class Phase {
        waiting,      // the join is not sent: the store is down, or the node has not loaded yet
        registering,  // the join request is on its way
        present,      // its join entry read: in the chat
    };
    enum class Resume { none, replaying };
    // A command sent before the greeting: run right after it, in order (lesson 05's room joins
    // at once, so its clients may speak first; they still can).
    struct Early {
        enum class Kind { say, rename, who, resume };
        Kind kind;
        std::string text;
    };
    struct Seat {
        lesson05::Member* member = nullptr;
        std::string token;
        std::string wanted;  // the name to ask for (empty: a guest name)
        Phase phase = Phase::waiting;
        StreamId greeting_end;     // present: the first message or event this connection got
        std::vector<Early> early;  // commands sent before the greeting
        bool greeted = false;      // once: a member that joins again gets no history twice
        Resume resume = Resume::none;
        std::vector<lesson05::FramePtr> held;  // live frames while replaying
    };

    Seat* seat_of(const lesson05::Member& member);
    Seat* seat_by_token(const std::string& token);
    lesson05::Audience& audience_of(const Seat& seat) { return seat.greeted ? present_ : joining_; }
    void send(Seat& seat, const lesson05::FramePtr& frame, bool exempt = false);
    void send_all(const lesson05::FramePtr& frame);  // every member, present or not
    // Live, to the present members but `skip` (held for those whose resume is under way).
    void deliver(const lesson05::FramePtr& frame, const Seat* skip = nullptr);
    void register_seat(Seat& seat);
    void greet(Seat& seat, const ChatEvent& join);
    void rejoin(Seat& seat, std::string_view why);
    void reap();  // until no expired token is left
    // Keeps a command of a member not greeted yet; false (and an error) if it may not wait.
    bool keep_early(Seat& seat, Early::Kind kind, std::string_view text);
    void run_early(Seat& seat);
    void start_resume(Seat& seat, const std::string& after);
    void finish_resume(const std::string& token, const std::string& after,
                       Answer<std::vector<StreamEntry>> answer);
    void apply(const ChatEvent& event);
    std::vector<std::string> names(std::size_t limit) const;
    bool presence() const noexcept { return online_.size() <= config_.presence_limit; }
    std::weak_ptr<ClusterRoom> weak() { return weak_from_this(); }

    Backplane& backplane_;
    ClusterRoomConfig config_;
    Link link_ = Link::down;
    bool loaded_ = false;
    std::string last_id_ = "0-0";
    lesson05::Audience joining_;  // in the room for their sessions, not yet greeted
    lesson05::Audience present_;  // greeted (even while joining again): every event live
    std::unordered_map<const lesson05::Member*, Seat> seats_;
    std::unordered_map<std::string, lesson05::Member*> by_token_;
    std::unordered_map<std::string, std::string> online_;  // token -> name, cluster-wide
    std::deque<std::pair<StreamId, lesson05::FramePtr>> history_;
    std::size_t replaying_ = 0;  // seats with resume == replaying
    std::uint64_t next_token_ = 1;
    std::uint64_t events_read_ = 0;
};

}  // namespace lesson08
