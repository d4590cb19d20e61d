#include "token.hpp"

#include <algorithm>
#include <array>

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

// The value of each byte as a hex digit, or -1. A table instead of three range checks: the
// receivers parse a token per delivery, a million times a second, and this loop was the load
// generator's hottest (perf showed a fifth of its time here).
constexpr std::array<std::int8_t, 256> hex_values = [] {
    std::array<std::int8_t, 256> table{};
    table.fill(-1);
    for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<std::int8_t>(i);
    for (int i = 0; i < 6; ++i) table['a' + i] = static_cast<std::int8_t>(10 + i);
    return table;
}();

// Reads hex digits up to the next '~' at `pos` and moves past the '~'. At most `max_digits`.
bool read_hex(std::string_view text, std::size_t& pos, int max_digits, std::uint64_t& value) {
    value = 0;
    const std::size_t end = std::min(text.size(), pos + static_cast<std::size_t>(max_digits) + 1);
    const std::size_t start = pos;
    for (; pos < end; ++pos) {
        const std::int8_t v = hex_values[static_cast<unsigned char>(text[pos])];
        if (v < 0) break;
        value = value << 4 | static_cast<std::uint64_t>(v);
    }
    const std::size_t digits = pos - start;
    if (digits == 0 || digits > static_cast<std::size_t>(max_digits) || pos >= text.size() ||
        text[pos] != '~') {
        return false;
    }
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

std::string make_probe(std::uint32_t run) {
    std::string probe(probe_marker);
    append_hex(probe, run);
    probe += '~';
    return probe;
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
