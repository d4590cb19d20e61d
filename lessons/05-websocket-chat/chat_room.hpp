#pragma once
// The room as a Session sees it: the one contract between a connection and the chat. Lesson 05's
// Room (room.hpp) keeps everything in this process; lesson 08's ClusterRoom keeps the chat in
// Redis and shares it between several processes. A Session calls only these functions, so the
// same server (chat_server.hpp) runs either room.
//
// A member is anything that can queue a frame and flush its queue (a Session, or a fake member
// in the tests). The room names its members and keeps track of where they are; the fields it
// needs for that live in the member (one allocation per connection) and only Audience
// (audience.hpp) touches them.
//
// One thread calls a room (the server's io_context thread): nothing here locks.

#include "protocol.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace lesson05 {

class Audience;

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
    friend class Audience;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);
    std::string name_;
    std::size_t index_ = npos;  // position in Audience::members_
    bool dirty_ = false;        // on Audience::dirty_
};

class ChatRoom {
public:
    virtual ~ChatRoom() = default;

    // Names the member, sends it hello, the history and its own join (exempt frames), and
    // announces it to everyone else.
    virtual void join(Member& member) = 0;
    // Takes the member out; announces it unless `quietly` (server shutdown).
    virtual void leave(Member& member, bool quietly = false) = 0;
    // Broadcasts a chat message from the member to everyone, the sender included.
    virtual void say(Member& member, std::string_view text) = 0;
    // Renames the member and announces it; an error event goes to the member instead if the
    // name is invalid or taken.
    virtual void rename(Member& member, std::string_view name) = 0;
    // Sends the member the list of who is online.
    virtual void who(Member& member) = 0;
    // The member saw every chat message up to id `after` on an earlier connection: sends it the
    // ones it missed that this connection has not been sent, then a `resumed` event (or an
    // error if that cannot be done). README.md states each room's rule.
    virtual void resume(Member& member, std::string_view after) = 0;
    // Sends the member an error event.
    virtual void error(Member& member, std::string_view text) = 0;

    // Flushes every member that got something since the last flush.
    virtual void flush() = 0;
    // Members connected to this process.
    virtual std::size_t size() const noexcept = 0;
};

}  // namespace lesson05
