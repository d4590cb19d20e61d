#include "ws/utf8.hpp"

#include <cstring>

namespace ws {

bool Utf8Validator::feed(std::string_view bytes) noexcept {
    // TASK 04.utf8: validate UTF-8 incrementally, failing at the first impossible byte
    // STUB: (void)bytes;
    if (failed_) return false;
    const auto* p = reinterpret_cast<const std::uint8_t*>(bytes.data());
    const auto* const end = p + bytes.size();
    while (p < end) {
        if (needed_ == 0) {
            // Fast path: 8 bytes of ASCII at a time (no byte has its top bit set).
            while (end - p >= 8) {
                std::uint64_t word;
                std::memcpy(&word, p, sizeof word);
                if ((word & 0x8080808080808080ULL) != 0) break;
                p += 8;
            }
            if (p == end) break;
            const std::uint8_t lead = *p++;
            if (lead < 0x80) continue;
            lower_ = 0x80;
            upper_ = 0xBF;
            if (lead >= 0xC2 && lead <= 0xDF) {
                needed_ = 1;
            } else if (lead >= 0xE0 && lead <= 0xEF) {
                needed_ = 2;
                if (lead == 0xE0) lower_ = 0xA0;  // E0 80..9F would be overlong
                if (lead == 0xED) upper_ = 0x9F;  // ED A0..BF would be a UTF-16 surrogate
            } else if (lead >= 0xF0 && lead <= 0xF4) {
                needed_ = 3;
                if (lead == 0xF0) lower_ = 0x90;  // F0 80..8F would be overlong
                if (lead == 0xF4) upper_ = 0x8F;  // F4 90.. would be past U+10FFFF
            } else {  // 80..BF (a continuation with no lead), C0, C1 (overlong) or F5..FF
                failed_ = true;
                return false;
            }
        } else {
            const std::uint8_t byte = *p++;
            if (byte < lower_ || byte > upper_) {
                failed_ = true;
                return false;
            }
            lower_ = 0x80;
            upper_ = 0xBF;
            --needed_;
        }
    }
    return true;
    // END TASK 04.utf8
}

bool is_valid_utf8(std::string_view bytes) noexcept {
    Utf8Validator validator;
    return validator.feed(bytes) && validator.complete();
}

void append_utf8(std::string& out, char32_t code_point) {
    const auto byte = [](char32_t bits) { return static_cast<char>(bits); };
    if (code_point < 0x80) {
        out += byte(code_point);
    } else if (code_point < 0x800) {  // 110xxxxx 10xxxxxx
        out += byte(0xC0 | (code_point >> 6));
        out += byte(0x80 | (code_point & 0x3F));
    } else if (code_point < 0x10000) {  // 1110xxxx 10xxxxxx 10xxxxxx
        out += byte(0xE0 | (code_point >> 12));
        out += byte(0x80 | ((code_point >> 6) & 0x3F));
        out += byte(0x80 | (code_point & 0x3F));
    } else {  // 11110xxx 10xxxxxx 10xxxxxx 10xxxxxx
        out += byte(0xF0 | (code_point >> 18));
        out += byte(0x80 | ((code_point >> 12) & 0x3F));
        out += byte(0x80 | ((code_point >> 6) & 0x3F));
        out += byte(0x80 | (code_point & 0x3F));
    }
}

}  // namespace ws
