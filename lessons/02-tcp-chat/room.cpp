#include "room.hpp"

#include "protocol.hpp"

#include <algorithm>

namespace lesson02 {

Room::NameResult Room::join(MemberId id, const std::string& name, std::shared_ptr<Outbox> outbox) {
    if (!protocol::valid_name(name)) return NameResult::invalid;
    Recipients others;
    {
        const std::lock_guard lock(mutex_);
        if (ids_.count(name) != 0) return NameResult::taken;
        others = recipients_locked(id);
        ids_.emplace(name, id);
        members_.insert_or_assign(id, Member{name, outbox});
        // Queued under the lock, so that no line from anyone can reach the newcomer first.
        outbox->push(protocol::notice("you are " + name));
    }
    deliver(std::move(others), std::make_shared<const std::string>(protocol::notice(name + " joined")));
    return NameResult::ok;
}

Room::NameResult Room::rename(MemberId id, const std::string& name) {
    if (!protocol::valid_name(name)) return NameResult::invalid;
    Recipients others;
    std::string old_name;
    bool overflowed = false;
    {
        const std::lock_guard lock(mutex_);
        const auto member = members_.find(id);
        if (member == members_.end()) return NameResult::invalid;
        if (member->second.name == name) return NameResult::unchanged;
        if (ids_.count(name) != 0) return NameResult::taken;
        old_name = std::exchange(member->second.name, name);
        ids_.erase(old_name);
        ids_.emplace(name, id);
        overflowed =
            member->second.outbox->push(protocol::notice("you are " + name)) == Outbox::Push::overflow;
        others = recipients_locked(id);
    }
    deliver(std::move(others),
            std::make_shared<const std::string>(protocol::notice(old_name + " is now " + name)));
    if (overflowed) leave(id, "too slow, disconnected");
    return NameResult::ok;
}

void Room::leave(MemberId id, std::string_view reason, bool tell_others) {
    Recipients others;
    std::string name;
    {
        const std::lock_guard lock(mutex_);
        const auto member = members_.find(id);
        if (member == members_.end()) return;  // never joined, or already removed (overflow)
        name = std::move(member->second.name);
        ids_.erase(name);
        members_.erase(member);
        others = recipients_locked(id);
    }
    if (!tell_others) return;
    std::string text = name + " left";
    if (!reason.empty()) text.append(" (").append(reason).append(")");
    deliver(std::move(others), std::make_shared<const std::string>(protocol::notice(text)));
}

bool Room::say(MemberId id, std::string_view text) {
    Recipients others;
    SharedLine line;
    {
        const std::lock_guard lock(mutex_);
        const auto member = members_.find(id);
        if (member == members_.end()) return false;
        others = recipients_locked(id);
        line = std::make_shared<const std::string>(protocol::chat_line(member->second.name, text));
    }
    deliver(std::move(others), std::move(line));
    return true;
}

void Room::announce(std::string_view text) {
    Recipients everyone;
    {
        const std::lock_guard lock(mutex_);
        everyone = recipients_locked(no_member);
    }
    deliver(std::move(everyone), std::make_shared<const std::string>(protocol::notice(text)));
}

std::vector<std::string> Room::names() const {
    std::vector<std::string> names;
    {
        const std::lock_guard lock(mutex_);
        names.reserve(ids_.size());
        for (const auto& [name, id] : ids_) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::size_t Room::size() const {
    const std::lock_guard lock(mutex_);
    return members_.size();
}

Room::Recipients Room::recipients_locked(MemberId except) const {
    Recipients recipients;
    recipients.reserve(members_.size());
    for (const auto& [id, member] : members_) {
        if (id != except) recipients.emplace_back(id, member.outbox);
    }
    return recipients;
}

void Room::deliver(Recipients recipients, SharedLine line) {
    std::vector<MemberId> overflowed;
    for (const auto& [id, outbox] : recipients) {
        if (outbox->push(line) == Outbox::Push::overflow) overflowed.push_back(id);
    }
    // Each leave() delivers its own notice, and so handles whoever that overflows in turn.
    for (const MemberId id : overflowed) leave(id, "too slow, disconnected");
}

}  // namespace lesson02

