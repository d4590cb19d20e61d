#pragma once
// Server-Sent Events (WHATWG HTML, "Server-sent events"): the text/event-stream format, both
// ways, without sockets.
//
// A stream is UTF-8 text made of fields, one per line, and an event ends at a blank line:
//
//   retry: 3000            how long a browser waits before it reconnects (milliseconds)
//
//   id: 41                 the browser sends it back as Last-Event-ID when it reconnects
//   data: first line       one data: line per line of the text; the browser joins them with \n
//   data: second line
//
//   : heartbeat            a comment: ignored by the browser, keeps proxies and idle timers awake
//
//   event: reset           a named event (the default name is "message")
//   data: ...
//
// Writing: the encoders return the exact bytes to send. Reading: SseParser follows the
// specification's "event stream interpretation" (lines end in CRLF, LF or CR; a leading BOM is
// skipped; "field: value" loses one space after the colon; unknown fields are ignored; an id
// with a NUL is ignored; an event with no data: line is not dispatched). It is what
// 07-feed-client and the benchmark use, and what the tests check the server's stream with.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace feed {

// "id: ID\n", "event: NAME\n" if a name is given, one "data: " line per line of `data` (split
// at CRLF, LF or CR, so no line break can end the event early or inject a field), "\n".
std::string sse_event(std::uint64_t id, std::string_view data, std::string_view event = {});
// The same without an id line (for an event that is not part of the log, such as "reset").
std::string sse_event_without_id(std::string_view data, std::string_view event);
// "retry: MS\n\n".
std::string sse_retry(std::chrono::milliseconds delay);
// ": TEXT\n\n" (a comment; TEXT must not hold a line break).
std::string sse_comment(std::string_view text);

struct SseMessage {
    std::string event = "message";  // the event: field, or "message"
    std::string data;               // data: lines joined with '\n'
    std::string id;                 // the last event id in force when it was dispatched
};

class SseParser {
public:
    enum class Result { ok, error };

    // A line longer than max_line bytes is an error (a stream that never ends a line would
    // otherwise grow the buffer without bound); so is an event whose data (its data: lines,
    // each with its '\n') exceeds max_data bytes (a stream of data: lines that never ends
    // the event would grow it too).
    explicit SseParser(std::size_t max_line = 64 * 1024, std::size_t max_data = 1024 * 1024);

    // Consumes all of `bytes`; each event completed by them is appended to `out`.
    Result push(std::string_view bytes, std::vector<SseMessage>& out);

    // The last valid retry: field, if any.
    std::optional<std::chrono::milliseconds> retry() const noexcept { return retry_; }
    // The last event id buffer (what a client sends as Last-Event-ID when it reconnects).
    const std::string& last_event_id() const noexcept { return last_event_id_; }
    std::uint64_t comments() const noexcept { return comments_; }  // comment lines seen
    const std::string& error() const noexcept { return error_; }

private:
    void line(std::string_view text, std::vector<SseMessage>& out);

    std::size_t max_line_;
    std::size_t max_data_;
    std::string line_;       // the current line so far
    bool after_cr_ = false;  // the last byte was CR: a LF right after it ends nothing more
    bool started_ = false;   // past the optional BOM
    std::string event_;      // the event being built
    std::string data_;
    bool has_data_ = false;
    std::string last_event_id_;
    std::optional<std::chrono::milliseconds> retry_;
    std::uint64_t comments_ = 0;
    std::string error_;
};

}  // namespace feed
