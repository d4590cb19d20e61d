#pragma once
// Which of the feed's answers a request gets, decided without sockets (the server then does it):
//
//   GET  /                       page
//   GET  /events?after=ID        poll: the events after ID at once (maybe none)
//   GET  /events                 poll, joining at the present: the newest event only (or none)
//   GET  /events?after=ID&wait=S long poll: held until an event after ID exists or S seconds
//                                pass; S is clamped to max_wait; without after, waits for the next
//   GET  /sse[?after=ID]         an event stream; a Last-Event-ID header wins over after=
//   GET  /ws                     a WebSocket (lesson 04's opening handshake)
//   POST /publish                a new event, its text the body
//   GET  /stats                  the counters
//
// HEAD is not served (405 like any other method the path does not take). A bad value gets a 400
// naming the parameter: "after: not a number", "wait: negative". Unknown parameters are ignored,
// as browsers add their own (a cache-busting "_=1764...").

#include "feed/target.hpp"
#include "ws/http.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace feed {

struct RouteLimits {
    std::chrono::milliseconds max_wait{30'000};  // --max-wait
};

struct Route {
    enum class Kind { page, poll, long_poll, sse, websocket, publish, stats, error };
    Kind kind = Kind::error;
    std::optional<std::uint64_t> after;  // poll, long_poll, sse: where to resume (nullopt: now)
    std::chrono::milliseconds wait{0};   // long_poll: already clamped to max_wait
    // error: the status (400, 404, 405), a one-line reason, and for 405 the Allow header line.
    int status = 0;
    std::string reason;
    std::string allow;  // "Allow: GET\r\n" or "Allow: POST\r\n" for a 405
};

Route route(const ws::HttpHead& request, const RouteLimits& limits);

}  // namespace feed

namespace feed {

// What a WebSocket client may send: {"after":ID} (resume from the log after ID). Anything else
// is refused with a reason (the server closes with 1003 or 1007 and says it).
struct ClientMessage {
    std::optional<std::uint64_t> after;
    std::string error;
};
ClientMessage parse_client_message(std::string_view text);

}  // namespace feed
