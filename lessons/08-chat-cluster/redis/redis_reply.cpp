#include "redis/redis_reply.hpp"

#include <cstdio>
#include <utility>

namespace lesson08 {

namespace {

constexpr std::size_t shown_bytes = 64;  // a longer string is cut in describe()

// Printable ASCII as is, the rest as \xNN, in quotes: a NUL or a newline stays visible.
std::string quoted(std::string_view bytes) {
    std::string out = "\"";
    for (std::size_t i = 0; i < bytes.size() && i < shown_bytes; ++i) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char hex[5];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    out += '"';
    if (bytes.size() > shown_bytes) out += "...(" + std::to_string(bytes.size()) + " bytes)";
    return out;
}

}  // namespace

RedisReply RedisReply::make_integer(std::int64_t value) {
    RedisReply reply;
    reply.type = Type::integer;
    reply.integer = value;
    return reply;
}

RedisReply RedisReply::make_status(std::string text) {
    RedisReply reply;
    reply.type = Type::status;
    reply.text = std::move(text);
    return reply;
}

RedisReply RedisReply::make_error(std::string text) {
    RedisReply reply;
    reply.type = Type::error;
    reply.text = std::move(text);
    return reply;
}

RedisReply RedisReply::make_string(std::string bytes) {
    RedisReply reply;
    reply.type = Type::string;
    reply.text = std::move(bytes);
    return reply;
}

RedisReply RedisReply::make_array(std::vector<RedisReply> elements) {
    RedisReply reply;
    reply.type = Type::array;
    reply.elements = std::move(elements);
    return reply;
}

RedisReply RedisReply::link_error(std::string_view what) { return make_error("LINK " + std::string(what)); }

std::string_view RedisReply::error_code() const noexcept {
    if (type != Type::error) return {};
    const std::string_view all = text;
    return all.substr(0, all.find(' '));
}

std::string describe(const RedisReply& reply) {
    switch (reply.type) {
    case RedisReply::Type::nil: return "(nil)";
    case RedisReply::Type::integer: return "(integer) " + std::to_string(reply.integer);
    case RedisReply::Type::status: return reply.text;
    case RedisReply::Type::error: return "(error) " + reply.text;
    case RedisReply::Type::string: return quoted(reply.text);
    case RedisReply::Type::array: {
        std::string out = "[";
        for (std::size_t i = 0; i < reply.elements.size(); ++i) {
            if (i > 0) out += ", ";
            out += describe(reply.elements[i]);
        }
        return out + "]";
    }
    }
    return "(unknown)";
}

std::string describe_command(const std::vector<std::string>& argv) {
    std::string out;
    for (std::size_t i = 0; i < argv.size(); ++i) {
        if (i > 0) out += ' ';
        out += i == 0 ? argv[i].substr(0, shown_bytes) : quoted(argv[i]);
    }
    return out;
}

}  // namespace lesson08
