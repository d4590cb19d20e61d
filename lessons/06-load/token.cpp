#include "token.hpp"

namespace lesson06 {
namespace {

void append_hex(std::string& out, std::uint64_t value) {
    char digits[16];
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[value & 0xF];
        value >>= 4;
    } while (value != 0);
    while (n > 0) out += digits[--n];
}

// Reads hex digits up to the next '~' at `pos` and moves past the '~'. At most `max_digits`.
bool read_hex(std::string_view text, std::size_t& pos, int max_digits, std::uint64_t& value) {
    value = 0;
    int digits = 0;
    while (pos < text.size() && text[pos] != '~') {
        const char c = text[pos];
        int v;
        if (c >= '0' && c <= '9') {
            v = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            v = c - 'a' + 10;
        } else {
            return false;
        }
        if (++digits > max_digits) return false;
        value = value << 4 | static_cast<std::uint64_t>(v);
        ++pos;
    }
    if (digits == 0 || pos >= text.size()) return false;
    ++pos;  // the '~'
    return true;
}

}  // namespace

void append_token(std::string& out, const Token& token) {
    out += token_marker;
    append_hex(out, token.run);
    out += '~';
    append_hex(out, token.sender);
    out += '~';
    append_hex(out, token.seq);
    out += '~';
    append_hex(out, token.nanos);
    out += '~';
}

std::optional<Token> find_token(std::string_view text, std::uint32_t run, std::size_t& from) {
    while (from < text.size()) {
        const std::size_t at = text.find(token_marker, from);
        if (at == std::string_view::npos) {
            from = text.size();
            return std::nullopt;
        }
        std::size_t pos = at + token_marker.size();
        std::uint64_t fields[4];
        bool ok = read_hex(text, pos, 8, fields[0]) && read_hex(text, pos, 8, fields[1]) &&
                  read_hex(text, pos, 8, fields[2]) && read_hex(text, pos, 16, fields[3]);
        if (!ok || fields[0] != run) {
            from = at + 1;  // not ours: look further (a broken token may hide a good one)
            continue;
        }
        from = pos;
        return Token{static_cast<std::uint32_t>(fields[0]), static_cast<std::uint32_t>(fields[1]),
                     static_cast<std::uint32_t>(fields[2]), fields[3]};
    }
    return std::nullopt;
}

}  // namespace lesson06
