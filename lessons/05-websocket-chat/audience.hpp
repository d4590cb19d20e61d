#pragma once
// The members of a room connected to this process, and the one way frames reach them: a frame
// is queued (send, broadcast) and each member that got something is flushed once per batch.
// Lesson 05's Room and lesson 08's ClusterRoom both deliver through an Audience, so this logic
// exists once.
//
// Broadcast queues the same immutable frame (FramePtr) at every member: no per-recipient copy,
// no per-recipient allocation. A member whose queue was empty is put on a "dirty" list; flush()
// then asks each dirty member to write once, so a burst of messages handled in one go leaves as
// one gathered write per member.

#include "chat_room.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace lesson05 {

class Audience {
public:
    // Adds the member under `name` (it is then in_room()).
    void add(Member& member, std::string name);
    // Takes the member out, O(1), and off the dirty list: it will not be touched again.
    void remove(Member& member);
    void set_name(Member& member, std::string name);

    void send(Member& member, const FramePtr& frame, bool exempt = false);
    void broadcast(const FramePtr& frame);
    void broadcast_except(const FramePtr& frame, const Member& skip);
    void flush();

    std::size_t size() const noexcept { return members_.size(); }
    bool empty() const noexcept { return members_.empty(); }
    // The first `limit` names, in join order (except that remove() moves the last one in).
    std::vector<std::string> names(std::size_t limit) const;

private:
    std::vector<Member*> members_;
    std::vector<Member*> dirty_;
};

}  // namespace lesson05
