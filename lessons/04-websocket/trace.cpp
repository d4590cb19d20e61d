#include "trace.hpp"

#include "common/hex_dump.hpp"

#include <algorithm>

namespace lesson04 {

namespace {

constexpr std::size_t max_traced_payload = 256;  // bytes of each payload shown in a hex dump
constexpr std::size_t max_traced_read = 64;      // bytes of each read shown (its frames show the rest)

const char* length_form(const ws::FrameTrace& frame) {
    const auto length7 =
        static_cast<std::uint8_t>(frame.raw_header.size() > 1 ? frame.raw_header[1] & 0x7F : 0);
    const char* form = length7 < 126 ? "7-bit" : length7 == 126 ? "16-bit" : "64-bit";
    return form;
}

}  // namespace

std::string hex_bytes(std::string_view bytes, std::size_t max_bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    const std::size_t n = std::min(bytes.size(), max_bytes);
    for (std::size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        if (i > 0) out += ' ';
        out += digits[byte >> 4];
        out += digits[byte & 0xF];
    }
    return out;
}

std::string describe_frame(const ws::FrameTrace& frame) {
    const ws::FrameHeader& h = frame.header;
    std::string out = frame.incoming ? "frame in:  " : "frame out: ";
    out += "FIN=" + std::to_string(h.fin ? 1 : 0);
    out += " RSV=" + std::to_string((h.rsv >> 2) & 1) + std::to_string((h.rsv >> 1) & 1) +
           std::to_string(h.rsv & 1);
    out += " opcode=0x" + hex_bytes(std::string(1, static_cast<char>(h.opcode)), 1).substr(1);
    out += std::string(" (") + ws::opcode_name(h.opcode) + ")";
    out += " MASK=" + std::to_string(h.masked ? 1 : 0);
    if (h.masked) out += " key=" + hex_bytes({reinterpret_cast<const char*>(h.mask.data()), 4}, 4);
    out += " length=" + std::to_string(h.length) + " (" + length_form(frame) + ")";
    out += "\n" + course::hex_dump("  header " + std::to_string(frame.raw_header.size()) + " bytes",
                                   frame.raw_header);
    if (frame.payload.empty()) return out;
    if (h.masked) {
        // Mask again what we show, to see the bytes as they crossed the wire.
        std::string masked(frame.payload.substr(0, max_traced_payload));
        ws::apply_mask(reinterpret_cast<std::uint8_t*>(masked.data()), masked.size(), h.mask);
        out += "\n" + course::hex_dump("  payload masked (as on the wire)", masked, max_traced_payload);
        out += "\n" +
               course::hex_dump("  payload unmasked (XOR with the key)", frame.payload, max_traced_payload);
    } else {
        out += "\n" + course::hex_dump("  payload (not masked)", frame.payload, max_traced_payload);
    }
    if (h.opcode == static_cast<std::uint8_t>(ws::Opcode::close) && frame.payload.size() >= 2) {
        const auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(frame.payload[0]) << 8) |
                                                     static_cast<std::uint8_t>(frame.payload[1]));
        out += "\n  close code " + std::to_string(code) + " (" + ws::close_code_name(code) + ")";
    }
    return out;
}

std::string describe_read(std::string_view bytes) {
    const std::string title =
        "read " + std::to_string(bytes.size()) + (bytes.size() == 1 ? " byte" : " bytes");
    return course::hex_dump(title, bytes, max_traced_read);
}

std::string describe_http_head(std::string_view prefix, std::string_view head) {
    std::string out;
    while (!head.empty()) {
        const std::size_t newline = head.find('\n');
        std::string_view line = head.substr(0, newline);
        head.remove_prefix(newline == std::string_view::npos ? head.size() : newline + 1);
        const bool crlf = !line.empty() && line.back() == '\r';
        if (crlf) line.remove_suffix(1);
        if (!out.empty()) out += '\n';
        out += std::string(prefix) + std::string(line) + (crlf ? "\\r\\n" : "\\n");
    }
    return out;
}

}  // namespace lesson04
