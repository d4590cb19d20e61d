#pragma once
// The feed's one event log: events with increasing integer ids (the first is 1), the newest
// `capacity` of them kept in a ring, as a broker keeps a bounded backlog. Every mode of the
// server (polling, long polling, SSE, WebSocket) reads from it, so a client can switch modes, or
// reconnect, and resume from the last id it saw. Sans-IO: no clock, no sockets; the caller
// gives the time.
//
// Each event is encoded to JSON once, when it is appended, and shared (EventPtr) by every
// answer and stream that carries it:
//
//   {"id":7,"us":1764540000123456,"text":"EURUSD 1.0842"}
//
// `us` is the server's wall clock in microseconds since the Unix epoch when the event was
// created: a client on the same machine computes the delivery latency as now - us.
//
// Resume rules (after(ID): the events a client that has seen up to ID is missing):
//   ID == last_id()                  nothing yet: an empty list, no reset
//   first_id() - 1 <= ID < last_id() the events after ID, oldest first
//   ID < first_id() - 1              the resume point has left the ring: reset, and every kept event
//   ID > last_id()                   an id this log never gave (the server restarted): reset,
//                                    and every kept event

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace feed {

struct Event {
    std::uint64_t id = 0;
    std::int64_t us = 0;  // wall clock, microseconds since the epoch, when created
    std::string text;     // UTF-8 (the server checks it before appending)
    std::string json;     // {"id":N,"us":MICROS,"text":"..."}, encoded once
};
using EventPtr = std::shared_ptr<const Event>;

struct Resume {
    bool reset = false;            // the resume point is not in the log (see above)
    std::vector<EventPtr> events;  // oldest first
};

class EventLog {
public:
    explicit EventLog(std::size_t capacity);  // capacity >= 1

    // Appends an event with the next id and returns it.
    EventPtr append(std::string text, std::int64_t us);

    std::uint64_t last_id() const noexcept { return last_id_; }  // 0 before the first event
    // The oldest id kept: last_id() + 1 while the log is empty.
    std::uint64_t first_id() const noexcept;
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return ring_.size(); }
    // The newest event, or nullptr while the log is empty.
    EventPtr newest() const;

    // What a client that has seen up to `id` is missing, at most `limit` events (the oldest
    // ones first: the client asks again for the rest).
    Resume after(std::uint64_t id, std::size_t limit = std::numeric_limits<std::size_t>::max()) const;

private:
    std::vector<EventPtr> ring_;  // event id N lives at ring_[(N - 1) % capacity]
    std::size_t size_ = 0;
    std::uint64_t last_id_ = 0;
};

// {"id":N,"us":MICROS,"text":"..."} with the text JSON-escaped.
std::string event_json(std::uint64_t id, std::int64_t us, std::string_view text);
// "[e1,e2,...]" from the events' shared JSON ("[]" for none): the body of a poll answer.
std::string events_json_array(const std::vector<EventPtr>& events);

}  // namespace feed
