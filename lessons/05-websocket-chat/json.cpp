#include "json.hpp"

#include "ws/utf8.hpp"

#include <charconv>

namespace lesson05::json {

void append_string(std::string& out, std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:  // other control characters have no short form
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    out.append(text.data() + plain, text.size() - plain);
    out += '"';
}

std::string quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    append_string(out, text);
    return out;
}

const Value* Object::find(std::string_view key) const noexcept {
    for (const auto& m : members) {
        if (m.key == key) return &m.value;
    }
    return nullptr;
}

std::optional<std::string_view> Object::string(std::string_view key) const noexcept {
    const Value* v = find(key);
    if (!v || v->kind != Value::Kind::string) return std::nullopt;
    return std::string_view(v->text);
}

bool looks_like_object(std::string_view text) noexcept {
    const auto at = text.find_first_not_of(" \t\r\n");
    return at != std::string_view::npos && text[at] == '{';
}

namespace {

// A recursive-descent parser over the shapes above; every method returns false after setting
// error_ at the first byte that breaks the grammar.
class Parser {
public:
    Parser(std::string_view text, const Limits& limits) : text_(text), limits_(limits) {}

    ParseResult run() {
        ParseResult result;
        Object object;
        if (parse_object(object)) {
            skip_space();
            if (at_ != text_.size()) fail("unexpected bytes after the object");
            else result.object = std::move(object);
        }
        if (!result.object) result.error = error_ + " at byte " + std::to_string(at_);
        return result;
    }

private:
    bool fail(const char* why) {
        if (error_.empty()) error_ = why;
        return false;
    }
    void skip_space() {
        while (at_ < text_.size() &&
               (text_[at_] == ' ' || text_[at_] == '\t' || text_[at_] == '\n' || text_[at_] == '\r'))
            ++at_;
    }
    bool expect(char c) {
        skip_space();
        if (at_ >= text_.size() || text_[at_] != c)
            return fail(c == '}' ? "expected '}' or ','" : "unexpected character");
        ++at_;
        return true;
    }
    bool peek(char c) {
        skip_space();
        return at_ < text_.size() && text_[at_] == c;
    }
    bool literal(std::string_view word) {
        if (text_.substr(at_, word.size()) != word) return fail("unknown literal");
        at_ += word.size();
        return true;
    }

    bool parse_object(Object& object) {
        if (!expect('{')) return fail("expected a JSON object");
        if (peek('}')) return ++at_, true;
        for (;;) {
            if (object.members.size() == limits_.max_members) return fail("too many members");
            Member member;
            skip_space();
            if (!peek('"')) return fail("expected a string key");
            if (!parse_string(member.key, limits_.max_key)) return false;
            for (const auto& m : object.members) {
                if (m.key == member.key) return fail("duplicate key");
            }
            if (!expect(':')) return false;
            if (!parse_value(member.value)) return false;
            object.members.push_back(std::move(member));
            if (peek(',')) {
                ++at_;
                continue;
            }
            return expect('}');
        }
    }

    bool parse_value(Value& value) {
        skip_space();
        if (at_ >= text_.size()) return fail("expected a value");
        const char c = text_[at_];
        if (c == '"') {
            value.kind = Value::Kind::string;
            return parse_string(value.text, text_.size());
        }
        if (c == '[') return parse_array(value);
        if (c == 't') return value.kind = Value::Kind::boolean, value.boolean = true, literal("true");
        if (c == 'f') return value.kind = Value::Kind::boolean, value.boolean = false, literal("false");
        if (c == 'n') return value.kind = Value::Kind::null, literal("null");
        if (c == '-' || (c >= '0' && c <= '9')) return parse_integer(value);
        if (c == '{') return fail("nested objects are not part of the chat protocol");
        return fail("expected a value");
    }

    bool parse_array(Value& value) {
        value.kind = Value::Kind::string_array;
        ++at_;  // '['
        if (peek(']')) return ++at_, true;
        for (;;) {
            if (value.items.size() == limits_.max_items) return fail("too many array items");
            if (!peek('"')) return fail("arrays hold strings only");
            std::string item;
            if (!parse_string(item, text_.size())) return false;
            value.items.push_back(std::move(item));
            if (peek(',')) {
                ++at_;
                continue;
            }
            if (!peek(']')) return fail("expected ']' or ','");
            ++at_;
            return true;
        }
    }

    bool parse_integer(Value& value) {
        // RFC 8259 6: -?(0|[1-9][0-9]*); fractions and exponents are refused (the protocol has none).
        const std::size_t start = at_;
        if (text_[at_] == '-') ++at_;
        if (at_ >= text_.size() || text_[at_] < '0' || text_[at_] > '9') return fail("expected a digit");
        if (text_[at_] == '0' && at_ + 1 < text_.size() && text_[at_ + 1] >= '0' && text_[at_ + 1] <= '9') {
            return fail("leading zero");
        }
        while (at_ < text_.size() && text_[at_] >= '0' && text_[at_] <= '9') ++at_;
        if (at_ < text_.size() && (text_[at_] == '.' || text_[at_] == 'e' || text_[at_] == 'E')) {
            return fail("only integers are part of the chat protocol");
        }
        const auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + at_, value.integer);
        if (ec != std::errc{} || end != text_.data() + at_) return fail("integer out of range");
        value.kind = Value::Kind::integer;
        return true;
    }

    bool hex4(std::uint32_t& out) {
        if (text_.size() - at_ < 4) return fail("truncated \\u escape");
        out = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = text_[at_++];
            out <<= 4;
            if (c >= '0' && c <= '9') out |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f') out |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') out |= static_cast<std::uint32_t>(c - 'A' + 10);
            else return fail("bad hex digit in \\u escape");
        }
        return true;
    }

    // The input is UTF-8 already (a WebSocket text message), so bytes >= 0x80 are copied as they are.
    bool parse_string(std::string& out, std::size_t max_size) {
        ++at_;  // opening quote
        for (;;) {
            if (at_ >= text_.size()) return fail("unterminated string");
            if (out.size() > max_size) return fail("string too long");
            const auto c = static_cast<unsigned char>(text_[at_]);
            if (c == '"') {
                ++at_;
                if (out.size() > max_size) return fail("string too long");
                return true;
            }
            if (c < 0x20) return fail("control character in a string");
            if (c != '\\') {
                out += static_cast<char>(c);
                ++at_;
                continue;
            }
            if (++at_ >= text_.size()) return fail("unterminated escape");
            const char e = text_[at_++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp)) return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF) return fail("lone low surrogate");
                if (cp >= 0xD800 && cp <= 0xDBFF) {  // a high surrogate must be followed by a low one
                    std::uint32_t low = 0;
                    if (text_.substr(at_, 2) != "\\u") return fail("lone high surrogate");
                    at_ += 2;
                    if (!hex4(low)) return false;
                    if (low < 0xDC00 || low > 0xDFFF) return fail("lone high surrogate");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                ws::append_utf8(out, cp);  // a scalar value: the surrogates were paired above
                break;
            }
            default: return fail("invalid escape");
            }
        }
    }

    std::string_view text_;
    const Limits& limits_;
    std::size_t at_ = 0;
    std::string error_;
};

}  // namespace

ParseResult parse_object(std::string_view text, const Limits& limits) { return Parser(text, limits).run(); }

}  // namespace lesson05::json
