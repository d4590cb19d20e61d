#include "client_view.hpp"

#include "json.hpp"

#include <ctime>

namespace lesson05 {

std::string terminal_safe(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        // C1 controls arrive in UTF-8 as C2 80..C2 9F (0x9B alone is a CSI on some terminals).
        const bool c1 = c == 0xC2 && i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xE0) == 0x80;
        if ((c >= 0x20 && c != 0x7F && !c1) || c == '\t') {
            out += static_cast<char>(c);
            continue;
        }
        const unsigned char shown = c1 ? static_cast<unsigned char>(text[++i]) : c;
        if (shown == '\n') out += "\\n";
        else if (shown == '\r') out += "\\r";
        else {
            out += "\\x";
            out += hex[shown >> 4];
            out += hex[shown & 0xF];
        }
    }
    return out;
}

std::string clock_text(std::int64_t millis) {
    const std::time_t seconds = static_cast<std::time_t>(millis / 1000);
    std::tm local{};
    localtime_r(&seconds, &local);
    char text[16];
    std::strftime(text, sizeof text, "%H:%M:%S", &local);
    return text;
}

namespace {

std::string join_names(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) out += (out.empty() ? "" : ", ") + terminal_safe(name);
    return out;
}

}  // namespace

std::string describe_server_event(std::string_view payload, bool with_time) {
    const json::ParseResult parsed = json::parse_object(payload);
    if (!parsed.object) return terminal_safe(payload);
    const json::Object& e = *parsed.object;
    const auto text = [&](std::string_view key) { return terminal_safe(e.string(key).value_or("")); };
    const auto integer = [&](std::string_view key) -> std::int64_t {
        const json::Value* v = e.find(key);
        return v && v->kind == json::Value::Kind::integer ? v->integer : 0;
    };
    const auto names = [&](std::string_view key) {
        const json::Value* v = e.find(key);
        return v && v->kind == json::Value::Kind::string_array ? join_names(v->items) : std::string();
    };
    const std::string type(e.string("type").value_or(""));
    const std::string stamp = with_time && e.find("time") ? "[" + clock_text(integer("time")) + "] " : "";
    if (type == "message") return stamp + text("from") + ": " + text("text");
    if (type == "hello") {
        std::string line = "* you are " + text("name") + "; " + std::to_string(integer("online")) + " online: " + names("users");
        if (integer("history") > 0) line += "; earlier messages: " + std::to_string(integer("history"));
        return line + " (/help for commands)";
    }
    if (type == "join") return stamp + "* " + text("name") + " joined";
    if (type == "leave") return stamp + "* " + text("name") + " left";
    if (type == "rename") return stamp + "* " + text("from") + " is now " + text("to");
    if (type == "users") return "* " + std::to_string(integer("online")) + " online: " + names("users");
    if (type == "error") return "! " + text("text");
    return terminal_safe(payload);  // a type this client does not know: show it as it came
}

InputLine interpret_input(std::string_view line) {
    InputLine input;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) return input;
    if (line == "/quit") return {InputLine::Kind::quit, {}};
    if (line == "/help") return {InputLine::Kind::help, {}};
    if (line == "/who") return {InputLine::Kind::send, R"({"type":"who"})"};
    if (line.starts_with("/nick ")) {
        std::string message = R"({"type":"nick","name":)";
        json::append_string(message, line.substr(6));
        return {InputLine::Kind::send, message + "}"};
    }
    if (line.starts_with("//")) line.remove_prefix(1);  // "//x" sends "/x"
    else if (line.starts_with("/")) return {InputLine::Kind::unknown, std::string(line)};
    std::string message = R"({"type":"message","text":)";
    json::append_string(message, line);
    return {InputLine::Kind::send, message + "}"};
}

}  // namespace lesson05
