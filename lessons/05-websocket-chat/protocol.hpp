#pragma once
// The chat protocol on top of WebSocket text messages, sans-IO: what a client's message means,
// and the JSON (and the whole WebSocket frame) of each event the server sends. README.md lists
// every message with an example.
//
// Client -> server: {"type":"message","text":"hi"}, {"type":"nick","name":"ada"},
// {"type":"who"}, {"type":"resume","after":"ID"}. A text message that is not a JSON object is a chat message
// as it stands, so the smallest client (`ws.send("hi")`) can chat.
//
// Server -> client: hello, message, join, leave, rename, users, resumed, status, error (see
// encode_*). A chat
// message carries the sender's text verbatim inside a JSON string (escaped only where JSON
// requires), so a load generator can find a unique token in what it receives.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lesson05 {

// A whole WebSocket frame ready for the wire. Server frames are not masked, so one encoding
// serves every recipient: the room shares these immutable bytes instead of copying them.
using FramePtr = std::shared_ptr<const std::string>;

// An unmasked, final text frame carrying `payload`.
FramePtr make_text_frame(std::string_view payload);

struct ClientCommand {
    enum class Kind {
        message,  // `text` is the chat message
        nick,     // `text` is the name asked for
        who,      // list who is online
        resume,   // `text` is the id of the last message the client saw (see ChatRoom::resume)
        invalid,  // valid JSON but not a command we know: `text` says why
    };
    Kind kind = Kind::invalid;
    std::string text;
};

ClientCommand parse_client_message(std::string_view payload);

inline constexpr std::size_t max_resume_id_size = 64;  // bytes in the id of a resume

// The longest prefix of `text` (valid UTF-8) of at most `max_bytes` bytes that ends between two
// characters. Whatever the server quotes back must be cut this way: a text frame holds only
// valid UTF-8, and a browser closes the connection with 1007 otherwise (RFC 6455 8.1).
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept;

inline constexpr std::size_t max_name_size = 24;  // bytes in a chosen name
// A chosen name is 1..24 of [A-Za-z0-9_.-], does not start with "guest-" (those are the
// server's) and is not a role (is_role_name); an empty string if it is acceptable, else why not.
std::string check_name(std::string_view name);
// True for names a reader could take for the server or its staff: admin, server, system, mod,
// root... and guest, compared without case, '_', '-', '.' and trailing digits ("Sys.Tem_2").
bool is_role_name(std::string_view name);
// Names are unique without regard to ASCII case: "Ada" and "ada" are the same person
// (course::name_key, shared with lesson 02).
std::string name_key(std::string_view name);

// Milliseconds since the Unix epoch, as JavaScript's Date.now() counts.
std::int64_t now_millis();

// The JSON texts the server sends (without the frame).
// `users` may list fewer names than `online` counts (big rooms list the first ones only).
std::string encode_hello(std::string_view you, std::size_t online, const std::vector<std::string>& users,
                         std::size_t history);
// A message's id is a number in lesson 05 (1, 2, ...) and a string in lesson 08 (a Redis stream
// id, "1764540000000-0"): clients treat it as an opaque key.
std::string encode_message(std::uint64_t id, std::int64_t time, std::string_view from, std::string_view text);
std::string encode_message(std::string_view id, std::int64_t time, std::string_view from,
                           std::string_view text);
std::string encode_join(std::int64_t time, std::string_view name);
std::string encode_leave(std::int64_t time, std::string_view name);
std::string encode_rename(std::int64_t time, std::string_view from, std::string_view to);
std::string encode_users(std::size_t online, const std::vector<std::string>& users);
// News about the server itself, not the answer to a command: lesson 08's nodes say that their
// store is unreachable, or back (lesson 05's server never sends it). An `error` always answers a
// command the client sent, so a client can tell which of its commands failed by their order.
std::string encode_status(std::string_view text);
// The end of a resume's replay: `missed` messages after `after` were sent before it.
std::string encode_resumed(std::string_view after, std::size_t missed);
std::string encode_error(std::string_view text);

}  // namespace lesson05
