#include "feed/waiters.hpp"

#include <algorithm>

namespace feed {

WaiterSet::Ticket WaiterSet::add(std::uint64_t after) {
    // TASK 07.long-poll: hold the waiting long polls, wake those an event satisfies, forget those that leave
    // STUB: (void)after;
    const Ticket ticket = next_++;
    // A multimap keeps equal keys in insertion order, and by_after_ sorted by id lets ready()
    // stop at the first waiter that must go on waiting.
    by_ticket_.emplace(ticket, by_after_.emplace(after, ticket));
    return ticket;
    // END TASK 07.long-poll
}

bool WaiterSet::remove(Ticket ticket) {
    // TASK 07.long-poll: hold the waiting long polls, wake those an event satisfies, forget those that leave
    // STUB: (void)ticket;
    const auto found = by_ticket_.find(ticket);
    if (found == by_ticket_.end()) return false;
    by_after_.erase(found->second);
    by_ticket_.erase(found);
    return true;
    // END TASK 07.long-poll
}

std::vector<WaiterSet::Ticket> WaiterSet::ready(std::uint64_t last_id) {
    // TASK 07.long-poll: hold the waiting long polls, wake those an event satisfies, forget those that leave
    // STUB: (void)last_id;
    const auto end = by_after_.lower_bound(last_id);  // the first waiter with after >= last_id
    std::vector<Ticket> tickets;
    for (auto it = by_after_.begin(); it != end; ++it) tickets.push_back(it->second);
    by_after_.erase(by_after_.begin(), end);
    for (const Ticket ticket : tickets) by_ticket_.erase(ticket);
    // Tickets grow with every add(): sorting them gives the order the waiters came in.
    std::sort(tickets.begin(), tickets.end());
    return tickets;
    // END TASK 07.long-poll
}

}  // namespace feed
