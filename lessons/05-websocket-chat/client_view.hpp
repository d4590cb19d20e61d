#pragma once
// How 05-chat-client shows what arrives: one readable line per server event, sans-IO so the
// tests can check it. Text from the network is made safe for a terminal first
// (course::terminal_safe in common/terminal_text.hpp): control characters (ESC starts the
// sequences that move the cursor, recolour, even retitle the window) are shown escaped
// instead of being obeyed.
//
//   {"type":"message","time":...,"from":"ada","text":"hi"}   ->  "[14:03:07] ada: hi"
//   {"type":"join","name":"bob",...}                        ->  "* bob joined"
//   a text frame that is not JSON                           ->  the text itself

#include <cstdint>
#include <string>
#include <string_view>

namespace lesson05 {

// "HH:MM:SS" in local time for a time in milliseconds since the epoch.
std::string clock_text(std::int64_t millis);

// The line to print for a text message from the server (no trailing newline).
std::string describe_server_event(std::string_view payload, bool with_time = true);

// What a line the user typed means: the text message to send, or a local action.
struct InputLine {
    enum class Kind { send, quit, help, unknown, empty };
    Kind kind = Kind::empty;
    std::string message;  // Kind::send: the JSON (or text) message for the server
};
InputLine interpret_input(std::string_view line);

}  // namespace lesson05
