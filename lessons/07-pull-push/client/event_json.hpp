#pragma once
// The feed's events as a client reads them, parsed strictly:
//
//   one event (a WebSocket message, an SSE data: field)   {"id":41,"us":1764540000123456,"text":"..."}
//   a poll answer (the body of GET /events)               [{"id":41,...},{"id":42,...}]  or  []
//
// Each object goes through lesson 05's JSON parser (lessons/05-websocket-chat/json.hpp), which
// refuses anything that is not RFC 8259; this file adds the array around the objects and the
// event's shape: "id" a positive integer, "us" an integer, "text" a string, all three present.
// Other members are ignored, so a newer server may add some. Anything else (a bare value, a
// nested array, a trailing comma, bytes after the closing bracket, more than max_events) is
// refused with a reason and the byte offset.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson07 {

struct FeedEvent {
    std::uint64_t id = 0;
    std::int64_t us = 0;  // the server's wall clock at creation, microseconds since the epoch
    std::string text;
};

struct ParsedEvent {
    std::optional<FeedEvent> event;  // set on success
    std::string error;
};
ParsedEvent parse_event(std::string_view json);

struct ParsedEvents {
    bool ok = false;
    std::vector<FeedEvent> events;  // in the order of the array
    std::string error;
};
// A poll answer holds at most the server's log (1,000 events by default); 100,000 is far above.
ParsedEvents parse_event_array(std::string_view json, std::size_t max_events = 100'000);

}  // namespace lesson07
