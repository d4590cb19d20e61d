#pragma once
// What a line typed into 04-ws-client means, without sockets so the tests can check it: a text
// message, a control frame, a close, a fragmented message, or one of the deliberate protocol
// violations that show the server enforcing RFC 6455.

#include "ws/frame.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lesson04 {

struct ClientCommand {
    enum class Kind {
        text,       // send `text` as a text message (a plain line, or "//x" for "/x")
        binary,     // /binary TEXT
        ping,       // /ping [data]
        close,      // /close [code [reason]]
        quit,       // /quit: close with 1000 and exit
        fragments,  // /frag N TEXT: `text` in `count` fragments
        raw,        // a violation or /raw HEX: `text` holds the exact bytes (masked as needed)
        help,       // /help
        usage,      // a command used wrongly: `text` says how to use it
        unknown,    // not a command we know: `text` is its name
    };
    Kind kind = Kind::text;
    std::string text;
    std::uint16_t code = ws::close_code::normal;
    std::size_t count = 0;
};

// `mask` masks the frames of the violations that need one (a client's frames are masked).
ClientCommand parse_client_command(std::string_view line, const ws::MaskKey& mask);

// The bytes of "81 00" or "8100": nullopt unless an even number of hex digits (spaces ignored).
std::optional<std::string> parse_hex(std::string_view text);

// The commands, for /help.
const char* client_commands_help() noexcept;

}  // namespace lesson04
