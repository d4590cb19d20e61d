#include "room.hpp"

#include <algorithm>

namespace lesson05 {

void Room::send(Member& member, const FramePtr& frame, bool exempt) {
    if (member.enqueue(frame, exempt) && !member.dirty_) {
        member.dirty_ = true;
        dirty_.push_back(&member);
    }
}

void Room::broadcast(const FramePtr& frame) {
    for (Member* member : members_) send(*member, frame);
}

void Room::flush() {
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
}

std::vector<std::string> Room::names(std::size_t limit) const {
    std::vector<std::string> out;
    out.reserve(std::min(limit, members_.size()));
    for (const Member* member : members_) {
        if (out.size() == limit) break;
        out.push_back(member->name_);
    }
    return out;
}

void Room::join(Member& member) {
    if (member.in_room()) return;
    member.name_ = "guest-" + std::to_string(next_guest_++);
    member.index_ = members_.size();
    members_.push_back(&member);
    by_key_.emplace(name_key(member.name_), &member);

    // The greeting: hello, the history, and the newcomer's own join, exempt from its bounds (a
    // full history of large messages is more than a slow client may owe, and the newcomer did
    // not ask for it). Everyone else hears of the newcomer as usual.
    send(member,
         make_text_frame(
             encode_hello(member.name_, members_.size(), names(config_.hello_names), history_.size())),
         true);
    for (const FramePtr& frame : history_) send(member, frame, true);
    const FramePtr notice = make_text_frame(encode_join(now_millis(), member.name_));
    if (presence()) {
        for (Member* other : members_) {
            if (other != &member) send(*other, notice);
        }
    }
    send(member, notice, true);  // last: the newcomer learns that what follows is live
}

void Room::leave(Member& member, bool quietly) {
    if (!member.in_room()) return;
    // Swap-and-pop: O(1), and the order of the others hardly matters for a "who" list.
    const std::size_t at = member.index_;
    members_[at] = members_.back();
    members_[at]->index_ = at;
    members_.pop_back();
    member.index_ = Member::npos;
    by_key_.erase(name_key(member.name_));
    if (member.dirty_) {  // it will not be flushed by the room any more
        dirty_.erase(std::find(dirty_.begin(), dirty_.end(), &member));
        member.dirty_ = false;
    }
    if (!quietly && presence() && !members_.empty())
        broadcast(make_text_frame(encode_leave(now_millis(), member.name_)));
}

void Room::say(Member& member, std::string_view text) {
    const FramePtr frame = make_text_frame(encode_message(next_id_++, now_millis(), member.name_, text));
    broadcast(frame);
    if (config_.history == 0) return;
    if (history_.size() == config_.history) history_.pop_front();
    history_.push_back(frame);
}

void Room::rename(Member& member, std::string_view name) {
    if (const std::string why = check_name(name); !why.empty()) return error(member, why);
    const std::string key = name_key(name);
    const auto found = by_key_.find(key);
    if (found != by_key_.end() && found->second != &member)
        return error(member, "the name " + std::string(name) + " is taken");
    if (name == member.name_) return error(member, "you are already called " + member.name_);
    by_key_.erase(name_key(member.name_));
    by_key_.emplace(key, &member);
    const FramePtr notice = make_text_frame(encode_rename(now_millis(), member.name_, name));
    member.name_ = name;
    if (presence()) broadcast(notice);
    else send(member, notice);
}

void Room::who(Member& member) {
    send(member, make_text_frame(encode_users(members_.size(), names(config_.who_names))));
}

void Room::error(Member& member, std::string_view text) { send(member, make_text_frame(encode_error(text))); }

}  // namespace lesson05
