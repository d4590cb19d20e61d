#pragma once
// The chat's JSON, written by hand: an escaper for the strings the server sends and a small,
// strict parser for the messages clients send. No sockets, no allocation beyond the result.
//
// Writing: append_string() puts a string between quotes with every character JSON requires
// escaped (RFC 8259 7): '"', '\\' and the control characters U+0000..U+001F. The text is
// otherwise copied verbatim (the server only ever escapes text it has validated as UTF-8), so a
// token a client sent can be found again inside the JSON the server broadcasts.
//
// Reading: parse_object() accepts one JSON object (RFC 8259) whose member values are strings,
// integers, true, false, null or arrays of strings: exactly the shapes of the chat protocol, both
// ways. Anything else (nested objects, fractions, trailing garbage, duplicate keys, invalid
// escapes, lone surrogates) is refused with a reason, and limits bound what a peer can make us
// store. Strings come back decoded (escapes resolved, \uXXXX turned into UTF-8).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lesson05::json {

// Appends "text" with JSON escapes, quotes included.
void append_string(std::string& out, std::string_view text);
std::string quote(std::string_view text);

struct Value {
    enum class Kind { string, integer, boolean, null, string_array };
    Kind kind = Kind::null;
    std::string text;                // Kind::string
    std::int64_t integer = 0;        // Kind::integer
    bool boolean = false;            // Kind::boolean
    std::vector<std::string> items;  // Kind::string_array
};

struct Member {
    std::string key;
    Value value;
};

struct Object {
    std::vector<Member> members;
    // The member's value, or nullptr.
    const Value* find(std::string_view key) const noexcept;
    // The string member `key`, or nullopt if absent or not a string.
    std::optional<std::string_view> string(std::string_view key) const noexcept;
};

struct Limits {
    std::size_t max_members = 16;     // keys in the object
    std::size_t max_key = 64;         // bytes in a key
    std::size_t max_items = 100'000;  // strings in one array
};

struct ParseResult {
    std::optional<Object> object;  // set on success
    std::string error;             // why it was refused, with the byte offset
};

ParseResult parse_object(std::string_view text, const Limits& limits = {});

// Does `text` look like it was meant as JSON (its first non-blank byte is '{')? The chat treats
// a text frame that is not JSON as a plain chat message.
bool looks_like_object(std::string_view text) noexcept;

}  // namespace lesson05::json
