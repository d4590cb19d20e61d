#pragma once
// Lesson 02: the chat's wire protocol, as pure functions (no sockets, no threads), so every
// rule is unit-tested on its own and a load generator can reuse the parser.
//
// Everything is a line of bytes ending in "\n" (a "\r" before it is dropped), at most
// `max_line` bytes without the terminator. Clients may send any bytes; what the server relays
// is valid UTF-8 without control characters (see sanitize).
//
// Client to server:
//   the first line        the client's name, when it has none yet (same as /nick NAME)
//   /nick NAME            take or change the name
//   /who                  list who is here
//   /quit                 leave (the server answers "* bye" and closes)
//   /help                 list the commands
//   anything else         a chat line, relayed to everyone else (empty lines are ignored)
//
// Server to client, told apart by their first bytes:
//   NAME: TEXT            a chat line from NAME (a name never contains ':' or ' ')
//   * TEXT                a notice from the server (joins, leaves, renames, /who, bye)
//   ! TEXT                an error: the line it answers was rejected, or why we disconnect you

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace lesson02::protocol {

inline constexpr std::size_t max_line = 4096;  // bytes per line, without the "\n"
inline constexpr std::size_t max_name = 32;    // bytes per name

// 1 to max_name bytes of letters, digits, '_', '-' and '.': printable, no spaces, no ':'.
bool valid_name(std::string_view name) noexcept;

// Chat text as the server relays it: course::terminal_safe (common/terminal_text.hpp). Control
// characters (C0 but tab, DEL, C1) and bytes that are not valid UTF-8 are written as \xNN,
// so one client cannot send terminal escape sequences that clear or recolour everyone else's
// screen. The same function makes lesson 05's terminal client safe.
std::string sanitize(std::string_view text);

std::string chat_line(std::string_view name, std::string_view text);  // "NAME: TEXT\n"
std::string notice(std::string_view text);                            // "* TEXT\n"
std::string error(std::string_view text);                             // "! TEXT\n"

// What a line from a client asks for.
struct Command {
    enum class Kind { say, nick, who, quit, help, unknown, empty };
    Kind kind;
    std::string argument;  // the text to say, the name for /nick, the command for unknown
};

Command parse_command(std::string_view line);

// A line from the server, as a client or a load generator sees it.
struct ServerLine {
    enum class Kind { chat, notice, error };
    Kind kind;
    std::string name;  // chat only
    std::string text;  // after "NAME: ", "* " or "! "
};

// nullopt if the line follows none of the three shapes (a broken or foreign server).
std::optional<ServerLine> parse_server_line(std::string_view line);

}  // namespace lesson02::protocol
