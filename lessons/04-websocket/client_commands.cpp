#include "client_commands.hpp"

#include <charconv>

namespace lesson04 {
namespace {

using Kind = ClientCommand::Kind;

ClientCommand make(Kind kind, std::string text = {}) {
    ClientCommand command;
    command.kind = kind;
    command.text = std::move(text);
    return command;
}

// A whole decimal number in [low, high], or nullopt.
std::optional<std::size_t> parse_number(std::string_view text, std::size_t low, std::size_t high) {
    std::size_t n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n < low || n > high) return std::nullopt;
    return n;
}

// A frame built by hand, exactly as given (append_frame does not check the rules).
ClientCommand violation(ws::Opcode opcode, std::string_view payload, const ws::MaskKey* mask,
                        bool set_rsv1 = false) {
    std::string bytes;
    ws::append_frame(bytes, opcode, payload, true, mask);
    if (set_rsv1) bytes[0] = static_cast<char>(bytes[0] | 0x40);
    return make(Kind::raw, std::move(bytes));
}

ClientCommand parse_close(std::string_view arg) {
    ClientCommand command = make(Kind::close);
    if (arg.empty()) return command;
    const auto space = arg.find(' ');
    const auto code = parse_number(arg.substr(0, space), 0, 65535);
    if (!code) return make(Kind::usage, "usage: /close [code [reason]], code 0..65535");
    command.code = static_cast<std::uint16_t>(*code);
    if (space != std::string_view::npos) command.text = std::string(arg.substr(space + 1));
    if (command.text.size() > ws::max_control_payload - 2)
        return make(Kind::usage, "a close reason is at most 123 bytes");
    return command;
}

}  // namespace

std::optional<std::string> parse_hex(std::string_view text) {
    std::string out;
    int high = -1;
    for (const char c : text) {
        if (c == ' ') continue;
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
        if (v < 0) return std::nullopt;
        if (high < 0) {
            high = v;
        } else {
            out += static_cast<char>(high * 16 + v);
            high = -1;
        }
    }
    if (high >= 0) return std::nullopt;
    return out;
}

ClientCommand parse_client_command(std::string_view line, const ws::MaskKey& mask) {
    if (line.empty() || line[0] != '/') return make(Kind::text, std::string(line));
    if (line.starts_with("//")) return make(Kind::text, std::string(line.substr(1)));
    const auto word_end = line.find(' ');
    const std::string_view name = line.substr(0, word_end);
    const std::string_view arg =
        word_end == std::string_view::npos ? std::string_view{} : line.substr(word_end + 1);

    if (name == "/help") return make(Kind::help);
    if (name == "/quit") return make(Kind::quit);
    if (name == "/close") return parse_close(arg);
    if (name == "/binary") return make(Kind::binary, std::string(arg));
    if (name == "/ping") {
        if (arg.size() > ws::max_control_payload)
            return make(Kind::usage, "a ping carries at most 125 bytes (try /bigping)");
        return make(Kind::ping, std::string(arg));
    }
    if (name == "/frag") {
        const auto space = arg.find(' ');
        const auto count = parse_number(arg.substr(0, space), 1, 1000);
        if (!count) return make(Kind::usage, "usage: /frag N TEXT, with 1 <= N <= 1000");
        ClientCommand command =
            make(Kind::fragments, space == std::string_view::npos ? "" : std::string(arg.substr(space + 1)));
        command.count = *count;
        return command;
    }
    if (name == "/unmasked") return violation(ws::Opcode::text, arg, nullptr);
    if (name == "/rsv") return violation(ws::Opcode::text, arg, &mask, true);
    if (name == "/bigping") return violation(ws::Opcode::ping, std::string(126, 'p'), &mask);
    if (name == "/badclose") return violation(ws::Opcode::close, std::string(1, '\x03'), &mask);
    if (name == "/badutf8") return violation(ws::Opcode::text, "\xC3\x28", &mask);
    if (name == "/raw") {
        auto bytes = parse_hex(arg);
        if (!bytes || bytes->empty()) return make(Kind::usage, "usage: /raw HEX, e.g. /raw 81 00");
        return make(Kind::raw, std::move(*bytes));
    }
    return make(Kind::unknown, std::string(name));
}

const char* client_commands_help() noexcept {
    return "Each line is sent as a text message. Commands:\n"
           "  /ping [data]             send a ping (the server answers with a pong)\n"
           "  /close [code [reason]]   start the closing handshake (default 1000)\n"
           "  /binary TEXT             send TEXT as a binary message\n"
           "  /frag N TEXT             send TEXT as a text message in N fragments\n"
           "  //TEXT                   send \"/TEXT\" as text\n"
           "  /quit                    close with 1000 and exit (so does end of input)\n"
           "Deliberate protocol violations (watch the server's close code):\n"
           "  /unmasked TEXT           a text frame without a mask            -> 1002\n"
           "  /rsv TEXT                a text frame with RSV1 set             -> 1002\n"
           "  /bigping                 a ping with 126 bytes of payload       -> 1002\n"
           "  /badclose                a close frame with a 1-byte body       -> 1002\n"
           "  /badutf8                 a text frame holding C3 28 (not UTF-8) -> 1007\n"
           "  /raw HEX                 these bytes exactly, e.g. /raw 8100 (unmasked, empty)\n";
}

}  // namespace lesson04
