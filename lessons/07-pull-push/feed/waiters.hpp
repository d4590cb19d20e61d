#pragma once
// The long polls waiting for the feed: each waits for an event after the id it gave. When an
// event is appended, the server asks which waiters it satisfies (all whose id is below the new
// last id) and answers them; when a wait times out or its client leaves, it is removed. Sans-IO:
// a waiter is a number the server maps to its connection.
//
// One publish wakes every waiter at once: this is the "herd" the README measures.

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

namespace feed {

class WaiterSet {
public:
    using Ticket = std::uint64_t;

    // A waiter for an event after `after`. Tickets are never reused.
    Ticket add(std::uint64_t after);
    // Forgets a waiter (timed out, or its client left); false if it was not waiting.
    bool remove(Ticket ticket);
    // Takes out and returns every waiter with after < last_id, in the order they were added.
    std::vector<Ticket> ready(std::uint64_t last_id);

    std::size_t size() const noexcept { return by_ticket_.size(); }

private:
    std::multimap<std::uint64_t, Ticket> by_after_;
    std::map<Ticket, std::multimap<std::uint64_t, Ticket>::iterator> by_ticket_;
    Ticket next_ = 1;
};

}  // namespace feed
