#pragma once
// The chat room: who is in it, their names, the recent history, and broadcast. This is the
// `ConnectionManager` of the FastAPI example made real, and it is sans-IO: a member is anything
// that can queue a frame and flush its queue, so the tests drive the room with fake members and
// the server with sessions (session.hpp).
//
// Broadcast encodes an event once, into one immutable frame (FramePtr), and queues that same
// pointer at every member: no per-recipient copy, no per-recipient allocation. A member whose
// queue was empty is put on a "dirty" list; flush() then asks each dirty member to write once,
// so a burst of messages handled in one go leaves as one gathered write per member.
//
// One thread owns the room (the server's io_context thread): nothing here locks.
//
// Presence notices (join, leave, rename) cost one delivery per member per event, so a room of
// n members that fills up sends n*n of them. Past `presence_limit` members the room stops
// sending them (hello still says how many are online, and "who" still answers).

#include "protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lesson05 {

class Room;

class Member {
public:
    virtual ~Member() = default;
    // Queues a frame; returns true if the queue was empty before (the member then needs a flush).
    // A member may refuse (closing) or be closed for being too far behind. `exempt` frames are
    // a newcomer's greeting (hello, the history, its own join), queued before anything else: they
    // are queued whatever the member's bounds, do not count toward them, and are never dropped.
    virtual bool enqueue(const FramePtr& frame, bool exempt = false) = 0;
    // Starts writing what is queued.
    virtual void flush() = 0;

    const std::string& name() const noexcept { return name_; }
    bool in_room() const noexcept { return index_ != npos; }

private:
    friend class Room;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::string name_;
    std::size_t index_ = npos;  // position in Room::members_
    bool dirty_ = false;        // on Room::dirty_
};

struct RoomConfig {
    std::size_t history = 50;          // chat messages replayed to a newcomer
    std::size_t presence_limit = 200;  // members up to which join/leave/rename are broadcast
    std::size_t hello_names = 100;     // names listed in a newcomer's hello
    std::size_t who_names = 1000;      // names listed in the answer to "who"
};

class Room {
public:
    explicit Room(RoomConfig config = {}) : config_(config) {}

    // Names the member guest-N, sends it hello, the history and its own join (exempt frames),
    // and announces it to everyone else.
    void join(Member& member);
    // Takes the member out; announces it unless `quietly` (server shutdown).
    void leave(Member& member, bool quietly = false);
    // Broadcasts a chat message from the member to everyone, the sender included.
    void say(Member& member, std::string_view text);
    // Renames the member and announces it; an error event goes to the member instead if the
    // name is invalid or taken.
    void rename(Member& member, std::string_view name);
    // Sends the member the list of who is online.
    void who(Member& member);
    // Sends the member an error event.
    void error(Member& member, std::string_view text);

    // Flushes every member that got something since the last flush.
    void flush();

    std::size_t size() const noexcept { return members_.size(); }
    std::vector<std::string> names(std::size_t limit) const;
    std::uint64_t messages() const noexcept { return next_id_ - 1; }

private:
    void send(Member& member, const FramePtr& frame, bool exempt = false);
    void broadcast(const FramePtr& frame);
    bool presence() const noexcept { return members_.size() <= config_.presence_limit; }

    RoomConfig config_;
    std::vector<Member*> members_;  // in join order, except that leave() moves the last one in
    std::unordered_map<std::string, Member*> by_key_;  // name_key(name) -> member
    std::deque<FramePtr> history_;                     // the last chat messages, as sent
    std::vector<Member*> dirty_;
    std::uint64_t next_guest_ = 1;
    std::uint64_t next_id_ = 1;
};

}  // namespace lesson05
