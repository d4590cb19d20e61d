#include "room.hpp"

#include <charconv>

namespace lesson05 {

void Room::join(Member& member) {
    if (member.in_room()) return;
    audience_.add(member, "guest-" + std::to_string(next_guest_++));
    by_key_.emplace(name_key(member.name()), &member);
    first_sent_[&member] = next_id_ - history_.size();

    // The greeting: hello, the history, and the newcomer's own join, exempt from its bounds (a
    // full history of large messages is more than a slow client may owe, and the newcomer did
    // not ask for it). Everyone else hears of the newcomer as usual.
    audience_.send(member,
                   make_text_frame(encode_hello(member.name(), audience_.size(), names(config_.hello_names),
                                                history_.size())),
                   true);
    for (const FramePtr& frame : history_) audience_.send(member, frame, true);
    const FramePtr notice = make_text_frame(encode_join(now_millis(), member.name()));
    if (presence()) audience_.broadcast_except(notice, member);
    audience_.send(member, notice, true);  // last: the newcomer learns that what follows is live
}

void Room::leave(Member& member, bool quietly) {
    if (!member.in_room()) return;
    audience_.remove(member);
    by_key_.erase(name_key(member.name()));
    first_sent_.erase(&member);
    if (!quietly && presence() && !audience_.empty())
        audience_.broadcast(make_text_frame(encode_leave(now_millis(), member.name())));
}

void Room::say(Member& member, std::string_view text) {
    // TASK 05.room-broadcast: broadcast one shared frame, flushing each member once per batch
    // STUB: (void)member;
    // STUB: (void)text;
    const FramePtr frame = make_text_frame(encode_message(next_id_++, now_millis(), member.name(), text));
    audience_.broadcast(frame);
    if (config_.history == 0) return;
    if (history_.size() == config_.history) history_.pop_front();
    history_.push_back(frame);
    // END TASK 05.room-broadcast
}

void Room::rename(Member& member, std::string_view name) {
    if (const std::string why = check_name(name); !why.empty()) return error(member, why);
    const std::string key = name_key(name);
    const auto found = by_key_.find(key);
    if (found != by_key_.end() && found->second != &member)
        return error(member, "the name " + std::string(name) + " is taken");
    if (name == member.name()) return error(member, "you are already called " + member.name());
    by_key_.erase(name_key(member.name()));
    by_key_.emplace(key, &member);
    const FramePtr notice = make_text_frame(encode_rename(now_millis(), member.name(), name));
    audience_.set_name(member, std::string(name));
    if (presence()) audience_.broadcast(notice);
    else audience_.send(member, notice);
}

void Room::who(Member& member) {
    audience_.send(member, make_text_frame(encode_users(audience_.size(), names(config_.who_names))));
}

void Room::resume(Member& member, std::string_view after) {
    // TASK 05.resume: tell a reconnecting member whether it missed messages, from their ids
    // STUB: (void)member;
    // STUB: (void)after;
    std::uint64_t id = 0;
    const auto [end, ec] = std::from_chars(after.data(), after.data() + after.size(), id);
    if (ec != std::errc{} || end != after.data() + after.size() || id >= next_id_)
        return error(member, "cannot resume: no message has the id " + std::string(utf8_prefix(after, 32)));
    const auto found = first_sent_.find(&member);
    if (found == first_sent_.end()) return;
    // Everything from first_sent on came on this connection (the greeting's history, then live).
    if (id + 1 >= found->second) {
        audience_.send(member, make_text_frame(encode_resumed(after, 0)));
        return;
    }
    const std::uint64_t lost = found->second - id - 1;
    error(member, "cannot resume: the " + std::to_string(lost) + " message(s) after " + std::string(after) +
                      " are no longer kept (this server keeps the last " + std::to_string(config_.history) +
                      ")");
    // END TASK 05.resume
}

void Room::error(Member& member, std::string_view text) {
    audience_.send(member, make_text_frame(encode_error(text)));
}

}  // namespace lesson05
