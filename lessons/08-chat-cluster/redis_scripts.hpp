#pragma once
// The Lua scripts the backplane runs in Redis. A script runs atomically (Redis runs nothing else
// meanwhile), so "claim the name, record the presence, append the join" can never be seen half
// done, and two nodes that race for one name or reap one token are served one after the other.
//
// Every script gets the same KEYS and first ARGVs, so they share one prelude:
//   KEYS[1] PREFIX:presence  sorted set: token -> expiry (ms, Redis' clock)
//   KEYS[2] PREFIX:names     hash: token -> name
//   KEYS[3] PREFIX:events    the stream
//   KEYS[4] PREFIX:guest     the guest counter
//   ARGV[1] PREFIX:name:     + the lowercased name: the name's claim, holding the owner's token
//   ARGV[2] the stream's MAXLEN (approximate: ~)
//   ARGV[3] this node's name (the entries' `node` field)
//   ARGV[4] the presence TTL in ms
//   ARGV[5...] the script's own arguments
// (Scripts that touch keys not named in KEYS, the name claims, are fine on one Redis; Redis
// Cluster would want them in one hash slot, e.g. PREFIX in braces: "{chat}".)

#include <string>

namespace lesson08::scripts {

// ARGV[5] token, ARGV[6] wanted name ("" for a guest) -> {name, id}; {name, ""} if the token
// is present already (a join sent again after its reply was lost)
extern const std::string join;
extern const std::string leave;     // ARGV[5] token -> 1 if it was present (its leave appended), else 0
extern const std::string say;       // ARGV[5] token, ARGV[6] text -> id; error ABSENT
extern const std::string rename;    // ARGV[5] token, ARGV[6] name -> id; errors ABSENT, TAKEN
extern const std::string renew;     // ARGV[5...] tokens -> the tokens no longer present
extern const std::string reap;      // -> how many expired tokens were removed (at most 100 a call)
extern const std::string snapshot;  // ARGV[5] count -> {XREVRANGE of the last count entries, HGETALL names}

}  // namespace lesson08::scripts
