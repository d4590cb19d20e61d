#include "chat_event.hpp"

#include <charconv>

namespace lesson08 {

namespace {

bool parse_number(std::string_view text, std::uint64_t& out) {
    if (text.empty()) return false;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

std::optional<StreamId> StreamId::parse(std::string_view text) {
    StreamId id;
    const std::size_t dash = text.find('-');
    if (!parse_number(text.substr(0, dash), id.ms)) return std::nullopt;
    if (dash != std::string_view::npos && !parse_number(text.substr(dash + 1), id.seq)) return std::nullopt;
    return id;
}

std::string StreamId::text() const { return std::to_string(ms) + "-" + std::to_string(seq); }

std::optional<ChatEvent> parse_event(const StreamEntry& entry) {
    ChatEvent event;
    const auto id = StreamId::parse(entry.id);
    if (!id) return std::nullopt;
    event.id = *id;
    event.id_text = entry.id;
    std::string type;
    bool has_name = false, has_from = false, has_to = false, has_text = false;
    for (const auto& [field, value] : entry.fields) {
        if (field == "type") type = value;
        else if (field == "token") event.token = value;
        else if (field == "name") event.name = value, has_name = true;
        else if (field == "from") event.from = value, has_from = true;
        else if (field == "to") event.to = value, has_to = true;
        else if (field == "text") event.text = value, has_text = true;
        else if (field == "node") event.node = value;
        else if (field == "time") {
            std::uint64_t time = 0;
            if (!parse_number(value, time)) return std::nullopt;
            event.time = static_cast<std::int64_t>(time);
        }
    }
    if (type == "message" && has_from && has_text) event.type = ChatEvent::Type::message;
    else if (type == "join" && has_name) event.type = ChatEvent::Type::join;
    else if (type == "leave" && has_name) event.type = ChatEvent::Type::leave;
    else if (type == "rename" && has_from && has_to) event.type = ChatEvent::Type::rename;
    else return std::nullopt;
    return event;
}

lesson05::FramePtr encode_event(const ChatEvent& event) {
    using Type = ChatEvent::Type;
    switch (event.type) {
    case Type::message:
        return lesson05::make_text_frame(
            lesson05::encode_message(std::string_view(event.id_text), event.time, event.from, event.text));
    case Type::join: return lesson05::make_text_frame(lesson05::encode_join(event.time, event.name));
    case Type::leave: return lesson05::make_text_frame(lesson05::encode_leave(event.time, event.name));
    case Type::rename:
        return lesson05::make_text_frame(lesson05::encode_rename(event.time, event.from, event.to));
    }
    return nullptr;
}

}  // namespace lesson08
