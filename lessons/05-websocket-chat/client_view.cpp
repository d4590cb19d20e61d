#include "client_view.hpp"

#include "common/terminal_text.hpp"
#include "json.hpp"

#include <ctime>

namespace lesson05 {

using course::terminal_safe;

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
        std::string line = "* you are " + text("name") + "; " + std::to_string(integer("online")) +
                           " online: " + names("users");
        if (integer("history") > 0) line += "; earlier messages: " + std::to_string(integer("history"));
        return line + " (/help for commands)";
    }
    if (type == "join") return stamp + "* " + text("name") + " joined";
    if (type == "leave") return stamp + "* " + text("name") + " left";
    if (type == "rename") return stamp + "* " + text("from") + " is now " + text("to");
    if (type == "users") return "* " + std::to_string(integer("online")) + " online: " + names("users");
    if (type == "error") return "! " + text("text");
    if (type == "status") return "* " + text("text");
    if (type == "resumed")
        return "* resumed after " + text("after") + ": " + std::to_string(integer("missed")) + " missed";
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
