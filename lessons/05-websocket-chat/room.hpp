#pragma once
// The chat room of one process: who is in it, their names, the recent history, and broadcast.
// This is the `ConnectionManager` of the FastAPI example made real, and it is sans-IO: a member
// is anything that can queue a frame and flush its queue (chat_room.hpp), so the tests drive the
// room with fake members and the server with sessions (session.hpp). Delivery (encode once,
// share the frame, one flush per member per batch) is the Audience's (audience.hpp).
//
// One thread owns the room (the server's io_context thread): nothing here locks.
//
// Presence notices (join, leave, rename) cost one delivery per member per event, so a room of
// n members that fills up sends n*n of them. Past `presence_limit` members the room stops
// sending them (hello still says how many are online, and "who" still answers).
//
// Resume: a member's greeting holds the whole history, so what it may have missed on an earlier
// connection is the messages before the first one this connection was sent. This room keeps no
// more than its history: it answers `resumed` (missed 0) when nothing is missing, and an error
// naming how many messages are gone otherwise.

#include "audience.hpp"
#include "chat_room.hpp"
#include "protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace lesson05 {

struct RoomConfig {
    std::size_t history = 50;          // chat messages replayed to a newcomer
    std::size_t presence_limit = 200;  // members up to which join/leave/rename are broadcast
    std::size_t hello_names = 100;     // names listed in a newcomer's hello
    std::size_t who_names = 1000;      // names listed in the answer to "who"
};

class Room final : public ChatRoom {
public:
    explicit Room(RoomConfig config = {}) : config_(config) {}

    // Names the member guest-N; see ChatRoom.
    void join(Member& member) override;
    void leave(Member& member, bool quietly = false) override;
    void say(Member& member, std::string_view text) override;
    void rename(Member& member, std::string_view name) override;
    void who(Member& member) override;
    void resume(Member& member, std::string_view after) override;
    void error(Member& member, std::string_view text) override;
    void flush() override { audience_.flush(); }

    std::size_t size() const noexcept override { return audience_.size(); }
    std::vector<std::string> names(std::size_t limit) const { return audience_.names(limit); }
    std::uint64_t messages() const noexcept { return next_id_ - 1; }

private:
    bool presence() const noexcept { return audience_.size() <= config_.presence_limit; }

    RoomConfig config_;
    Audience audience_;
    std::unordered_map<std::string, Member*> by_key_;  // name_key(name) -> member
    // The id of the first message each member's connection was sent (its greeting's history,
    // or the next message): what came before is what resume() would have to find.
    std::unordered_map<const Member*, std::uint64_t> first_sent_;
    std::deque<FramePtr> history_;  // the last chat messages, as sent
    std::uint64_t next_guest_ = 1;
    std::uint64_t next_id_ = 1;
};

}  // namespace lesson05
