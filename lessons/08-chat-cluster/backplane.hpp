#pragma once
// What a ClusterRoom asks of the store that all nodes share, as plain requests with callbacks:
// the room decides, the backplane carries out. redis_backplane.hpp does it with Redis (each
// request one atomic command or Lua script); the tests use a fake that answers when told to.
//
// Each callback is called exactly once, later (never inside the call), on the room's thread,
// with the answer or an error text. Requests made one after the other are carried out in that
// order (one Redis connection answers in order): a member's messages keep their order.

#include "chat_event.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace lesson08 {

// A value, or why there is none.
template <class T> struct Answer {
    T value{};
    std::string error;  // empty: success
    bool ok() const noexcept { return error.empty(); }
};

struct Joined {
    std::string name;  // the wanted name if it was free, else a fresh guest-N
    std::string id;    // of the join entry
};

enum class RenameOutcome { renamed, taken, absent };

class Backplane {
public:
    virtual ~Backplane() = default;

    // Claims a name for `token` (`wanted` if not empty and free, else guest-N from a counter),
    // records its presence (expiring after the TTL unless renewed) and appends its join, atomically.
    // Idempotent: for a token present already it changes nothing (id empty).
    virtual void join(const std::string& token, const std::string& wanted,
                      std::function<void(Answer<Joined>)> done) = 0;
    // Removes the token's presence, releases its name and appends its leave, only if it was
    // present (so a leave is appended once, whoever removes it). No answer.
    virtual void leave(const std::string& token) = 0;
    // Appends a chat message from the token's current name; the answer is the entry's id.
    virtual void say(const std::string& token, const std::string& text,
                     std::function<void(Answer<std::string>)> done) = 0;
    // Claims `name` for the token, releases its old name and appends the rename, atomically.
    virtual void rename(const std::string& token, const std::string& name,
                        std::function<void(Answer<RenameOutcome>)> done) = 0;
    // Everyone's name, cluster-wide.
    virtual void who(std::function<void(Answer<std::vector<std::string>>)> done) = 0;
    // Everyone online: token -> name (the mirror a node keeps for hello, refreshed after an outage).
    virtual void online(
        std::function<void(Answer<std::vector<std::pair<std::string, std::string>>>)> done) = 0;
    // Extends the presence and name claims of these tokens; the answer lists the tokens that
    // were no longer present (expired and reaped, or lost with the store's data).
    virtual void renew(const std::vector<std::string>& tokens,
                       std::function<void(Answer<std::vector<std::string>>)> done) = 0;
    // Removes expired tokens as leave() does, a bounded number per request; the answer is how
    // many (0: none is left).
    virtual void reap(std::function<void(Answer<std::int64_t>)> done) = 0;
    // The entries with after < id < before, oldest first, at most `count`.
    virtual void range(const std::string& after, const std::string& before, std::size_t count,
                       std::function<void(Answer<std::vector<StreamEntry>>)> done) = 0;
};

}  // namespace lesson08
