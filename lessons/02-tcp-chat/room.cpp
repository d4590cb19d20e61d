#include "room.hpp"

#include "common/name_key.hpp"
#include "protocol.hpp"

#include <algorithm>

namespace lesson02 {

Room::NameResult Room::join(MemberId id, const std::string& name, std::shared_ptr<Outbox> outbox) {
    if (!protocol::valid_name(name)) return NameResult::invalid;
    std::string key = course::name_key(name);
    Recipients others;
    {
        const std::lock_guard lock(mutex_);
        if (ids_.count(key) != 0) return NameResult::taken;
        others = recipients_locked(id);
        ids_.emplace(std::move(key), id);
        members_.insert_or_assign(id, Member{name, outbox});
        // Queued under the lock, so that no line from anyone can reach the newcomer first.
        outbox->push(protocol::notice("you are " + name));
    }
    deliver(std::move(others), std::make_shared<const std::string>(protocol::notice(name + " joined")));
    return NameResult::ok;
}

Room::NameResult Room::rename(MemberId id, const std::string& name) {
    if (!protocol::valid_name(name)) return NameResult::invalid;
    std::string key = course::name_key(name);
    Recipients others;
    std::string old_name;
    bool evicted = false;
    {
        const std::lock_guard lock(mutex_);
        const auto member = members_.find(id);
        if (member == members_.end()) return NameResult::invalid;
        if (member->second.name == name) return NameResult::unchanged;
        // Taken by someone else; our own name in another case ("alice" to "Alice") is fine.
        const auto holder = ids_.find(key);
        if (holder != ids_.end() && holder->second != id) return NameResult::taken;
        old_name = std::exchange(member->second.name, name);
        ids_.erase(course::name_key(old_name));
        ids_.emplace(std::move(key), id);
        evicted = member->second.outbox->push(protocol::notice("you are " + name)) == Outbox::Push::evicted;
        others = recipients_locked(id);
    }
    deliver(std::move(others),
            std::make_shared<const std::string>(protocol::notice(old_name + " is now " + name)));
    if (evicted) leave(id, "too slow, disconnected");
    return NameResult::ok;
}

void Room::leave(MemberId id, std::string_view reason, bool tell_others) {
    Recipients others;
    std::string name;
    {
        const std::lock_guard lock(mutex_);
        const auto member = members_.find(id);
        if (member == members_.end()) return;  // never joined, or already removed (too slow)
        name = std::move(member->second.name);
        ids_.erase(course::name_key(name));
        members_.erase(member);
        others = recipients_locked(id);
    }
    if (!tell_others) return;
    std::string text = name + " left";
    if (!reason.empty()) text.append(" (").append(reason).append(")");
    deliver(std::move(others), std::make_shared<const std::string>(protocol::notice(text)));
}

bool Room::say(MemberId id, std::string_view text) {
    // TASK 02.broadcast: relay a chat line to every member but the sender, pushing outside the lock
    // STUB: (void)id;
    // STUB: (void)text;
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
    // END TASK 02.broadcast
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
        names.reserve(members_.size());
        for (const auto& [id, member] : members_) names.push_back(member.name);
    }
    // As people read a list: "alice, Bob, carol", not "Bob, alice, carol".
    std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
        return std::pair(course::name_key(a), a) < std::pair(course::name_key(b), b);
    });
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
    std::vector<MemberId> evicted;
    for (const auto& [id, outbox] : recipients) {
        if (outbox->push(line) == Outbox::Push::evicted) evicted.push_back(id);
    }
    // Each leave() delivers its own notice, and so handles whoever that evicts in turn.
    for (const MemberId id : evicted) leave(id, "too slow, disconnected");
}

}  // namespace lesson02
