#pragma once
// Lesson 02: the room, the registry of everyone who has a name, shared by all client threads.
//
// Every member is a name (unique regardless of case) and the Outbox its lines go to. One mutex
// guards the registry. The rule that makes it correct: a thread never walks the member list
// without holding the lock, and never does anything slow while holding it. A broadcast copies
// the list of outboxes under the lock (a vector of pointers: microseconds), lets go, then
// pushes the line to each outbox.
// Pushing never blocks (see outbox.hpp), so a broadcast costs the sender one short lock and one
// queue push per member, whoever is slow.
//
// Lines from one sender reach every member in the order they were sent, because one sender's
// lines all come from its one reader thread. Lines from different senders may interleave
// differently for different members; a chat does not promise more.
//
// A member whose outbox evicts it (too slow: see outbox.hpp) while a line is pushed is removed
// on the spot and the others are told it left. (One the writer evicts, the writer removes.)
// Nothing here touches a socket: the room is tested with plain outboxes.

#include "outbox.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace lesson02 {

using MemberId = std::uint64_t;
inline constexpr MemberId no_member = 0;  // ids start at 1

class Room {
public:
    enum class NameResult {
        ok,         // done, and announced
        invalid,    // not a valid name (protocol::valid_name)
        taken,      // someone else has it, in any mix of upper and lower case
        unchanged,  // a rename to the name one already has
    };

    // Adds `id` as `name`, tells it "* you are NAME" and the others "* NAME joined".
    NameResult join(MemberId id, const std::string& name, std::shared_ptr<Outbox> outbox);
    // Renames a member: "* you are NEW" to it, "* OLD is now NEW" to the others. A member may
    // change the case of its own name ("alice" to "Alice").
    NameResult rename(MemberId id, const std::string& name);
    // Removes `id` (if present) and tells the others "* NAME left (REASON)", or nobody when
    // `tell_others` is false (the server is going down: everyone is leaving).
    void leave(MemberId id, std::string_view reason, bool tell_others = true);

    // Relays "NAME: TEXT" to every member but the sender. False if `id` is not a member.
    bool say(MemberId id, std::string_view text);
    // Sends "* TEXT" to every member.
    void announce(std::string_view text);

    std::vector<std::string> names() const;  // sorted without regard to case
    std::size_t size() const;

private:
    struct Member {
        std::string name;
        std::shared_ptr<Outbox> outbox;
    };
    using Recipients = std::vector<std::pair<MemberId, std::shared_ptr<Outbox>>>;

    Recipients recipients_locked(MemberId except) const;
    // Pushes `line` to each recipient (without the lock), then removes whoever was evicted and
    // announces that; which may evict someone else, so it repeats until nobody is.
    void deliver(Recipients recipients, SharedLine line);

    mutable std::mutex mutex_;
    std::unordered_map<MemberId, Member> members_;  // guarded by mutex_
    // Guarded by mutex_: course::name_key(name) -> member. Keyed without case, so "Alice" and
    // "ALICE" cannot join next to "alice" (the same rule as lesson 05).
    std::unordered_map<std::string, MemberId> ids_;
};

}  // namespace lesson02
