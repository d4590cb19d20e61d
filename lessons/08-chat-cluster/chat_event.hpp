#pragma once
// One chat event as the cluster stores it: an entry of the Redis stream PREFIX:events, and the
// lesson 05 frame a client receives for it. Sans-IO: no Redis, no sockets.
//
// Every event (message, join, leave, rename) is one entry of ONE stream, so every node sees
// messages and presence in the same global order. An entry's fields:
//
//   type   message | join | leave | rename
//   token  the member's presence token (who did it)
//   name   join, leave: the member's name
//   from   message: the sender's name; rename: the old name
//   to     rename: the new name
//   text   message: the text, verbatim
//   time   milliseconds since the Unix epoch (Redis' clock, TIME)
//   node   the node that wrote it (for logs and the curious)
//
// A stream id is "MILLISECONDS-SEQUENCE" ("1764540000000-0"); ids only grow, so they order
// the events and a client can say "I saw everything up to this id".

#include "protocol.hpp"

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace lesson08 {

struct StreamId {
    std::uint64_t ms = 0;
    std::uint64_t seq = 0;

    // "1764540000000-0" (or "1764540000000", sequence 0); nullopt for anything else.
    static std::optional<StreamId> parse(std::string_view text);
    std::string text() const;
    friend auto operator<=>(const StreamId&, const StreamId&) = default;
};

struct StreamEntry {
    std::string id;
    std::vector<std::pair<std::string, std::string>> fields;  // in the order Redis keeps them
};

struct ChatEvent {
    enum class Type { message, join, leave, rename };
    Type type = Type::message;
    StreamId id;
    std::string id_text;  // as Redis wrote it
    std::string token;
    std::string name;  // join, leave
    std::string from;  // message, rename
    std::string to;    // rename
    std::string text;  // message
    std::int64_t time = 0;
    std::string node;
};

// The event an entry holds, or nullopt if it is not one (a bad id, an unknown type, a missing
// field): such an entry is skipped, never shown half.
std::optional<ChatEvent> parse_event(const StreamEntry& entry);

// The lesson 05 event (message, join, leave, rename) as one WebSocket frame, encoded once and
// shared by every local recipient. A message's id is the stream id, a JSON string.
lesson05::FramePtr encode_event(const ChatEvent& event);

}  // namespace lesson08
