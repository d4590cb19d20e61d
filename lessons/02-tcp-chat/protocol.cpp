#include "protocol.hpp"

#include "common/terminal_text.hpp"

namespace lesson02::protocol {

namespace {

bool name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
}

std::string prefixed(std::string_view prefix, std::string_view text) {
    std::string line;
    line.reserve(prefix.size() + text.size() + 1);
    line += prefix;
    line += text;
    line += '\n';
    return line;
}

// "/nick  bob " -> "bob": commands tolerate the spaces people type.
std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

}  // namespace

bool valid_name(std::string_view name) noexcept {
    if (name.empty() || name.size() > max_name) return false;
    for (const char c : name) {
        if (!name_char(c)) return false;
    }
    return true;
}

std::string sanitize(std::string_view text) { return course::terminal_safe(text); }

std::string chat_line(std::string_view name, std::string_view text) {
    std::string line;
    line.reserve(name.size() + 2 + text.size() + 1);
    line += name;
    line += ": ";
    line += text;
    line += '\n';
    return line;
}

std::string notice(std::string_view text) { return prefixed("* ", text); }

std::string error(std::string_view text) { return prefixed("! ", text); }

Command parse_command(std::string_view line) {
    using Kind = Command::Kind;
    if (trim(line).empty()) return {Kind::empty, {}};
    if (line.front() != '/') return {Kind::say, std::string(line)};
    const auto space = line.find(' ');
    const std::string_view word = line.substr(0, space);
    const std::string_view rest =
        space == std::string_view::npos ? std::string_view{} : trim(line.substr(space));
    if (word == "/nick") return {Kind::nick, std::string(rest)};
    // The argument-less commands refuse arguments, so "/quit now" is not taken for /quit.
    if (rest.empty()) {
        if (word == "/who") return {Kind::who, {}};
        if (word == "/quit") return {Kind::quit, {}};
        if (word == "/help") return {Kind::help, {}};
    }
    return {Kind::unknown, std::string(word)};
}

std::optional<ServerLine> parse_server_line(std::string_view line) {
    using Kind = ServerLine::Kind;
    if (line.substr(0, 2) == "* ") return ServerLine{Kind::notice, {}, std::string(line.substr(2))};
    if (line.substr(0, 2) == "! ") return ServerLine{Kind::error, {}, std::string(line.substr(2))};
    const auto colon = line.find(": ");
    if (colon == std::string_view::npos || !valid_name(line.substr(0, colon))) return std::nullopt;
    return ServerLine{Kind::chat, std::string(line.substr(0, colon)), std::string(line.substr(colon + 2))};
}

}  // namespace lesson02::protocol
