#include "ws/base64.hpp"

#include <cstdint>

namespace ws {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) noexcept {  // the 6-bit value of an alphabet character, or -1
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {  // every 3 bytes (24 bits) become 4 characters
        const std::uint32_t group = (std::uint32_t{static_cast<std::uint8_t>(bytes[i])} << 16) |
                                    (std::uint32_t{static_cast<std::uint8_t>(bytes[i + 1])} << 8) |
                                    std::uint32_t{static_cast<std::uint8_t>(bytes[i + 2])};
        out += alphabet[(group >> 18) & 63];
        out += alphabet[(group >> 12) & 63];
        out += alphabet[(group >> 6) & 63];
        out += alphabet[group & 63];
    }
    const std::size_t rest = bytes.size() - i;  // 0, 1 or 2 bytes left: pad with '='
    if (rest > 0) {
        std::uint32_t group = std::uint32_t{static_cast<std::uint8_t>(bytes[i])} << 16;
        if (rest == 2) group |= std::uint32_t{static_cast<std::uint8_t>(bytes[i + 1])} << 8;
        out += alphabet[(group >> 18) & 63];
        out += alphabet[(group >> 12) & 63];
        out += rest == 2 ? alphabet[(group >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::string out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        int padding = 0;
        if (last && text[i + 3] == '=') padding = text[i + 2] == '=' ? 2 : 1;
        std::uint32_t group = 0;
        for (int j = 0; j < 4 - padding; ++j) {
            const int value = sextet(text[i + static_cast<std::size_t>(j)]);
            if (value < 0) return std::nullopt;  // '=' in the middle lands here too
            group |= static_cast<std::uint32_t>(value) << (18 - 6 * j);
        }
        // Non-canonical: bits that the padding says are unused must be zero.
        if (padding == 2 && (group & 0xFFFF) != 0) return std::nullopt;
        if (padding == 1 && (group & 0xFF) != 0) return std::nullopt;
        out += static_cast<char>(group >> 16);
        if (padding < 2) out += static_cast<char>((group >> 8) & 0xFF);
        if (padding < 1) out += static_cast<char>(group & 0xFF);
    }
    return out;
}

}  // namespace ws
