#include "audience.hpp"

#include <algorithm>

namespace lesson05 {

void Audience::add(Member& member, std::string name) {
    member.name_ = std::move(name);
    member.index_ = members_.size();
    members_.push_back(&member);
}

void Audience::remove(Member& member) {
    if (!member.in_room()) return;
    // Swap-and-pop: O(1), and the order of the others hardly matters for a "who" list.
    const std::size_t at = member.index_;
    members_[at] = members_.back();
    members_[at]->index_ = at;
    members_.pop_back();
    member.index_ = Member::npos;
    if (member.dirty_) {  // it will not be flushed by the room any more
        dirty_.erase(std::find(dirty_.begin(), dirty_.end(), &member));
        member.dirty_ = false;
    }
}

void Audience::set_name(Member& member, std::string name) { member.name_ = std::move(name); }

void Audience::send(Member& member, const FramePtr& frame, bool exempt) {
    // TASK 05.room-broadcast: broadcast one shared frame, flushing each member once per batch
    // STUB: (void)member;
    // STUB: (void)frame;
    // STUB: (void)exempt;
    if (member.enqueue(frame, exempt) && !member.dirty_) {
        member.dirty_ = true;
        dirty_.push_back(&member);
    }
    // END TASK 05.room-broadcast
}

void Audience::broadcast(const FramePtr& frame) {
    // TASK 05.room-broadcast: broadcast one shared frame, flushing each member once per batch
    // STUB: (void)frame;
    for (Member* member : members_) send(*member, frame);
    // END TASK 05.room-broadcast
}

void Audience::broadcast_except(const FramePtr& frame, const Member& skip) {
    // TASK 05.room-broadcast: broadcast one shared frame, flushing each member once per batch
    // STUB: (void)frame;
    // STUB: (void)skip;
    for (Member* member : members_) {
        if (member != &skip) send(*member, frame);
    }
    // END TASK 05.room-broadcast
}

void Audience::flush() {
    if (dirty_.empty()) return;  // the sweep flushes after every tick, mostly with nothing to do
    // TASK 05.room-broadcast: broadcast one shared frame, flushing each member once per batch
    // flush() may not add members to dirty_ (it only writes), so a swap keeps this safe and
    // lets the vector keep its capacity.
    std::vector<Member*> batch;
    batch.swap(dirty_);
    for (Member* member : batch) {
        member->dirty_ = false;
        member->flush();
    }
    batch.clear();
    if (dirty_.empty()) dirty_.swap(batch);
    // END TASK 05.room-broadcast
}

std::vector<std::string> Audience::names(std::size_t limit) const {
    std::vector<std::string> out;
    out.reserve(std::min(limit, members_.size()));
    for (const Member* member : members_) {
        if (out.size() == limit) break;
        out.push_back(member->name_);
    }
    return out;
}

}  // namespace lesson05
