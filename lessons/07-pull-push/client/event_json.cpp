#include "client/event_json.hpp"

#include "json.hpp"

namespace lesson07 {

namespace {

constexpr std::string_view blanks = " \t\r\n";  // JSON's whitespace (RFC 8259 2)

std::size_t skip_blanks(std::string_view text, std::size_t at) {
    const auto next = text.find_first_not_of(blanks, at);
    return next == std::string_view::npos ? text.size() : next;
}

// Where the JSON value starting at `at` (a '{') ends: one past its matching '}', found by
// counting brackets outside strings; npos if it never closes. Only the extent is found here;
// lesson 05's parser then checks every byte of it.
std::size_t object_end(std::string_view text, std::size_t at) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = at; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // the escaped byte cannot end the string
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '"') in_string = true;
        else if (c == '{' || c == '[') ++depth;
        else if (c == '}' || c == ']') {
            if (--depth == 0) return i + 1;
        }
    }
    return std::string_view::npos;
}

}  // namespace

ParsedEvent parse_event(std::string_view json) {
    ParsedEvent out;
    auto parsed = lesson05::json::parse_object(json);
    if (!parsed.object) {
        out.error = parsed.error;
        return out;
    }
    using Kind = lesson05::json::Value::Kind;
    const auto& object = *parsed.object;
    const auto* id = object.find("id");
    const auto* us = object.find("us");
    const auto text = object.string("text");
    if (!id || id->kind != Kind::integer || id->integer <= 0) out.error = "\"id\" is not a positive integer";
    else if (!us || us->kind != Kind::integer) out.error = "\"us\" is not an integer";
    else if (!text) out.error = "\"text\" is not a string";
    else out.event = FeedEvent{static_cast<std::uint64_t>(id->integer), us->integer, std::string(*text)};
    return out;
}

ParsedEvents parse_event_array(std::string_view json, std::size_t max_events) {
    ParsedEvents out;
    auto fail = [&](std::string reason, std::size_t at) {
        out.events.clear();
        out.error = std::move(reason) + " at byte " + std::to_string(at);
        return out;
    };
    std::size_t at = skip_blanks(json, 0);
    if (at == json.size() || json[at] != '[') return fail("expected '['", at);
    at = skip_blanks(json, at + 1);
    if (at < json.size() && json[at] == ']') {
        at = skip_blanks(json, at + 1);
        if (at != json.size()) return fail("unexpected bytes after the array", at);
        out.ok = true;
        return out;
    }
    for (;;) {
        if (at == json.size() || json[at] != '{') return fail("expected an event object", at);
        const std::size_t end = object_end(json, at);
        if (end == std::string_view::npos) return fail("unterminated object", at);
        if (out.events.size() == max_events)
            return fail("more than " + std::to_string(max_events) + " events", at);
        auto event = parse_event(json.substr(at, end - at));
        if (!event.event)
            return fail("event " + std::to_string(out.events.size() + 1) + ": " + event.error, at);
        out.events.push_back(std::move(*event.event));
        at = skip_blanks(json, end);
        if (at == json.size()) return fail("unterminated array", at);
        if (json[at] == ']') break;
        if (json[at] != ',') return fail("expected ',' or ']'", at);
        at = skip_blanks(json, at + 1);
    }
    at = skip_blanks(json, at + 1);
    if (at != json.size()) return fail("unexpected bytes after the array", at);
    out.ok = true;
    return out;
}

}  // namespace lesson07
