#include "common/hex_dump.hpp"

#include <algorithm>

namespace course {

namespace {

constexpr std::size_t bytes_per_row = 16;
constexpr char hex_digits[] = "0123456789abcdef";

void append_hex(std::string& out, unsigned value, int digits) {
    for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += hex_digits[(value >> shift) & 0xf];
}

}  // namespace

std::string hex_dump(std::string_view title, std::string_view bytes, std::size_t max_bytes) {
    std::string out(title);
    const std::size_t shown = std::min(bytes.size(), max_bytes);
    for (std::size_t row = 0; row < shown; row += bytes_per_row) {
        out += "\n  ";
        append_hex(out, static_cast<unsigned>(row), 4);
        out += "  ";
        const std::size_t end = std::min(row + bytes_per_row, shown);
        for (std::size_t i = row; i < row + bytes_per_row; ++i) {
            if (i == row + 8) out += ' ';  // a gap in the middle helps count bytes
            if (i < end) {
                append_hex(out, static_cast<unsigned char>(bytes[i]), 2);
                out += ' ';
            } else {
                out += "   ";
            }
        }
        out += " |";
        for (std::size_t i = row; i < end; ++i) {
            const auto c = static_cast<unsigned char>(bytes[i]);
            out += (c >= 0x20 && c < 0x7f) ? static_cast<char>(c) : '.';
        }
        out += '|';
    }
    if (shown < bytes.size()) {
        out += "\n  ... " + std::to_string(bytes.size() - shown) + " more bytes not shown";
    }
    return out;
}

}  // namespace course
