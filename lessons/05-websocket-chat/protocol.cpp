#include "protocol.hpp"

#include "common/name_key.hpp"
#include "json.hpp"
#include "ws/frame.hpp"

#include <algorithm>
#include <array>
#include <chrono>

namespace lesson05 {

namespace {

constexpr std::size_t max_echoed_type = 32;  // bytes of an unknown "type" quoted in the error

// Names that would let a user pass for the server, its staff or everyone at once.
constexpr std::array<std::string_view, 19> role_names = {
    "admin", "administrator", "bot",       "chat",    "everyone", "guest",    "here",
    "host",  "mod",           "moderator", "nobody",  "official", "operator", "owner",
    "root",  "server",        "staff",     "support", "system",
};

}  // namespace

FramePtr make_text_frame(std::string_view payload) {
    std::string frame;
    frame.reserve(ws::frame_header_size(payload.size(), false) + payload.size());
    ws::append_frame(frame, ws::Opcode::text, payload, true, nullptr);
    return std::make_shared<const std::string>(std::move(frame));
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) noexcept {
    if (text.size() <= max_bytes) return text;
    std::size_t end = max_bytes;
    // text[end] is the first byte left out: while it continues a character (10xxxxxx), that
    // character began before `end` and is left out whole.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return text.substr(0, end);
}

ClientCommand parse_client_message(std::string_view payload) {
    ClientCommand command;
    if (!json::looks_like_object(payload)) {  // plain text: a chat message
        command.kind = ClientCommand::Kind::message;
        command.text = payload;
        return command;
    }
    json::ParseResult parsed = json::parse_object(payload);
    if (!parsed.object) {  // "{oops" is not JSON, so it is a chat message too
        command.kind = ClientCommand::Kind::message;
        command.text = payload;
        return command;
    }
    const json::Object& object = *parsed.object;
    const auto type = object.string("type");
    if (!type) {
        command.text = "a JSON message needs a string \"type\"";
    } else if (*type == "message") {
        if (const auto text = object.string("text")) {
            command.kind = ClientCommand::Kind::message;
            command.text = *text;
        } else {
            command.text = "a \"message\" needs a string \"text\"";
        }
    } else if (*type == "nick") {
        if (const auto name = object.string("name")) {
            command.kind = ClientCommand::Kind::nick;
            command.text = *name;
        } else {
            command.text = "a \"nick\" needs a string \"name\"";
        }
    } else if (*type == "who") {
        command.kind = ClientCommand::Kind::who;
    } else if (*type == "resume") {
        // Lesson 05's ids are numbers, lesson 08's strings: either form is accepted.
        const json::Value* after = object.find("after");
        if (after && after->kind == json::Value::Kind::string && !after->text.empty() &&
            after->text.size() <= max_resume_id_size) {
            command.kind = ClientCommand::Kind::resume;
            command.text = after->text;
        } else if (after && after->kind == json::Value::Kind::integer && after->integer >= 0) {
            command.kind = ClientCommand::Kind::resume;
            command.text = std::to_string(after->integer);
        } else {
            command.text = "a \"resume\" needs \"after\": the id of the last message seen";
        }
    } else {
        command.text = "unknown type \"" + std::string(utf8_prefix(*type, max_echoed_type)) +
                       "\" (try message, nick, who, resume)";
    }
    return command;
}

std::string check_name(std::string_view name) {
    if (name.empty()) return "a name cannot be empty";
    if (name.size() > max_name_size)
        return "a name has at most " + std::to_string(max_name_size) + " characters";
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '_' || c == '-' || c == '.';
        if (!ok) return "a name may hold only letters, digits, '_', '-' and '.'";
    }
    if (name_key(name).starts_with("guest-")) return "names starting with guest- are given by the server";
    if (is_role_name(name))
        return "the name " + std::string(name) + " could pass for the server or its staff";
    return {};
}

bool is_role_name(std::string_view name) {
    // Compared without case, separators and trailing digits, so that "Admin", "ad.min",
    // "SYSTEM_2" and "guest7" (a look-alike of the server's guest-7) are caught too.
    std::string bare;
    for (const char c : name_key(name)) {
        if (c != '_' && c != '-' && c != '.') bare += c;
    }
    while (!bare.empty() && bare.back() >= '0' && bare.back() <= '9') bare.pop_back();
    return std::find(role_names.begin(), role_names.end(), bare) != role_names.end();
}

std::string name_key(std::string_view name) { return course::name_key(name); }

std::int64_t now_millis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

void append_names(std::string& out, const std::vector<std::string>& names) {
    out += '[';
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += ',';
        json::append_string(out, names[i]);
    }
    out += ']';
}

}  // namespace

std::string encode_hello(std::string_view you, std::size_t online, const std::vector<std::string>& users,
                         std::size_t history) {
    std::string out = R"({"type":"hello","name":)";
    json::append_string(out, you);
    out += R"(,"online":)" + std::to_string(online) + R"(,"users":)";
    append_names(out, users);
    out += R"(,"history":)" + std::to_string(history) + "}";
    return out;
}

namespace {

// `id` is already JSON: a number, or a quoted string.
std::string encode_message_with(std::string_view id, std::int64_t time, std::string_view from,
                                std::string_view text) {
    std::string out;
    out.reserve(64 + id.size() + from.size() + text.size());
    out += R"({"type":"message","id":)";
    out += id;
    out += R"(,"time":)";
    out += std::to_string(time);
    out += R"(,"from":)";
    json::append_string(out, from);
    out += R"(,"text":)";
    json::append_string(out, text);
    out += '}';
    return out;
}

}  // namespace

std::string encode_message(std::uint64_t id, std::int64_t time, std::string_view from,
                           std::string_view text) {
    return encode_message_with(std::to_string(id), time, from, text);
}

std::string encode_message(std::string_view id, std::int64_t time, std::string_view from,
                           std::string_view text) {
    return encode_message_with(json::quote(id), time, from, text);
}

std::string encode_join(std::int64_t time, std::string_view name) {
    std::string out = R"({"type":"join","time":)" + std::to_string(time) + R"(,"name":)";
    json::append_string(out, name);
    return out + "}";
}

std::string encode_leave(std::int64_t time, std::string_view name) {
    std::string out = R"({"type":"leave","time":)" + std::to_string(time) + R"(,"name":)";
    json::append_string(out, name);
    return out + "}";
}

std::string encode_rename(std::int64_t time, std::string_view from, std::string_view to) {
    std::string out = R"({"type":"rename","time":)" + std::to_string(time) + R"(,"from":)";
    json::append_string(out, from);
    out += R"(,"to":)";
    json::append_string(out, to);
    return out + "}";
}

std::string encode_users(std::size_t online, const std::vector<std::string>& users) {
    std::string out = R"({"type":"users","online":)" + std::to_string(online) + R"(,"users":)";
    append_names(out, users);
    return out + "}";
}

std::string encode_status(std::string_view text) {
    std::string out = R"({"type":"status","text":)";
    json::append_string(out, text);
    return out + "}";
}

std::string encode_resumed(std::string_view after, std::size_t missed) {
    std::string out = R"({"type":"resumed","after":)";
    json::append_string(out, after);
    return out + R"(,"missed":)" + std::to_string(missed) + "}";
}

std::string encode_error(std::string_view text) {
    std::string out = R"({"type":"error","text":)";
    json::append_string(out, text);
    return out + "}";
}

}  // namespace lesson05
