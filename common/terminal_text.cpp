#include "common/terminal_text.hpp"

#include <cstdint>

namespace course {

namespace {

std::uint8_t byte_at(std::string_view bytes, std::size_t i) noexcept {
    return static_cast<std::uint8_t>(bytes[i]);
}

void append_escaped(std::string& out, std::uint8_t value) {
    static constexpr char hex[] = "0123456789abcdef";
    if (value == '\n') {
        out += "\\n";
    } else if (value == '\r') {
        out += "\\r";
    } else {
        out += "\\x";
        out += hex[value >> 4];
        out += hex[value & 0xF];
    }
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view bytes) noexcept {
    if (bytes.empty()) return 0;
    const std::uint8_t lead = byte_at(bytes, 0);
    if (lead < 0x80) return 1;
    // Unicode table 3-7: the lead byte says how many continuation bytes (80..BF) follow; after
    // four leads the first continuation has a narrower range, which rules out overlong forms
    // (E0, F0), UTF-16 surrogates (ED) and values past U+10FFFF (F4).
    std::size_t length = 0;
    std::uint8_t lower = 0x80, upper = 0xBF;  // the range of the first continuation byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) lower = 0xA0;
        if (lead == 0xED) upper = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) lower = 0x90;
        if (lead == 0xF4) upper = 0x8F;
    } else {
        return 0;  // 80..BF (a continuation with no lead), C0 and C1 (always overlong), F5..FF
    }
    if (bytes.size() < length) return 0;
    for (std::size_t i = 1; i < length; ++i) {
        const std::uint8_t byte = byte_at(bytes, i);
        if (byte < lower || byte > upper) return 0;
        lower = 0x80;
        upper = 0xBF;
    }
    return length;
}

std::string terminal_safe(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::uint8_t lead = byte_at(text, i);
        const std::size_t length = utf8_sequence_length(text.substr(i));
        if (length == 0) {
            append_escaped(out, lead);  // not UTF-8: show this byte, try again at the next one
            ++i;
        } else if (length == 1 && ((lead < 0x20 && lead != '\t') || lead == 0x7F)) {
            append_escaped(out, lead);  // C0 control or DEL
            ++i;
        } else if (length == 2 && lead == 0xC2 && byte_at(text, i + 1) < 0xA0) {
            append_escaped(out, byte_at(text, i + 1));  // C1 control: U+0080..U+009F is C2 80..C2 9F
            i += 2;
        } else {
            out.append(text, i, length);
            i += length;
        }
    }
    return out;
}

}  // namespace course
