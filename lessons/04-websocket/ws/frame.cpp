#include "ws/frame.hpp"

#include <algorithm>
#include <cstring>

namespace ws {

const char* opcode_name(std::uint8_t opcode) noexcept {
    switch (opcode) {
    case 0x0: return "continuation";
    case 0x1: return "text";
    case 0x2: return "binary";
    case 0x8: return "close";
    case 0x9: return "ping";
    case 0xA: return "pong";
    default: return is_control(opcode) ? "reserved control" : "reserved data";
    }
}

std::size_t frame_header_size(std::uint64_t length, bool masked) noexcept {
    const std::size_t length_bytes = length < 126 ? 0 : length <= 0xFFFF ? 2 : 8;
    return 2 + length_bytes + (masked ? 4 : 0);
}

std::size_t encode_frame_header(const FrameHeader& header, std::uint8_t* out) noexcept {
    out[0] = static_cast<std::uint8_t>((header.fin ? 0x80 : 0) | ((header.rsv & 0x7) << 4) |
                                       (header.opcode & 0xF));
    const std::uint8_t mask_bit = header.masked ? 0x80 : 0;
    std::size_t size = 2;
    if (header.length < 126) {  // 7-bit length
        out[1] = static_cast<std::uint8_t>(mask_bit | header.length);
    } else if (header.length <= 0xFFFF) {  // 126, then a 16-bit length in network byte order
        out[1] = mask_bit | 126;
        out[2] = static_cast<std::uint8_t>(header.length >> 8);
        out[3] = static_cast<std::uint8_t>(header.length);
        size = 4;
    } else {  // 127, then a 64-bit length in network byte order
        out[1] = mask_bit | 127;
        for (int i = 0; i < 8; ++i) out[2 + i] = static_cast<std::uint8_t>(header.length >> (56 - 8 * i));
        size = 10;
    }
    if (header.masked) {
        std::memcpy(out + size, header.mask.data(), 4);
        size += 4;
    }
    return size;
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin, const MaskKey* mask) {
    FrameHeader header;
    header.fin = fin;
    header.opcode = static_cast<std::uint8_t>(opcode);
    header.length = payload.size();
    header.masked = mask != nullptr;
    if (mask) header.mask = *mask;
    std::uint8_t raw[max_frame_header_size];
    const std::size_t header_size = encode_frame_header(header, raw);
    const std::size_t start = out.size();
    out.resize(start + header_size + payload.size());
    auto* dst = reinterpret_cast<std::uint8_t*>(out.data() + start);
    std::memcpy(dst, raw, header_size);
    if (!payload.empty()) std::memcpy(dst + header_size, payload.data(), payload.size());
    if (mask) apply_mask(dst + header_size, payload.size(), *mask);
}

void apply_mask(std::uint8_t* data, std::size_t size, MaskKey key, std::uint64_t offset) noexcept {
    // TASK 04.unmask: XOR a payload with the masking key, 8 bytes at a time
    // STUB: (void)data;
    // STUB: (void)size;
    // STUB: (void)key;
    // STUB: (void)offset;
    // Rotate the key so that key[0] applies to data[0], then repeat it to fill a 64-bit word:
    // XOR with that word masks 8 bytes at once. memcpy in and out keeps every access legal at
    // any alignment; compilers turn it into plain loads and stores (and often vectorise).
    std::uint8_t rotated[8];
    for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(offset + i) % 4];
    std::uint64_t word_key;
    std::memcpy(&word_key, rotated, sizeof word_key);
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, data + i, sizeof word);
        word ^= word_key;
        std::memcpy(data + i, &word, sizeof word);
    }
    for (; i < size; ++i) data[i] ^= rotated[i % 8];  // the last 0..7 bytes
    // END TASK 04.unmask
}

void apply_mask_bytewise(std::uint8_t* data, std::size_t size, MaskKey key, std::uint64_t offset) noexcept {
    for (std::size_t i = 0; i < size; ++i) data[i] ^= key[(offset + i) % 4];
}

bool is_valid_close_code(std::uint16_t code) noexcept {
    // TASK 04.close: answer the peer's close frame, checking its code and reason
    // STUB: (void)code;
    if (code >= 1000 && code <= 1003) return true;
    if (code >= 1007 && code <= 1014) return true;
    return code >= 3000 && code <= 4999;  // 3000-3999 registered by libraries, 4000-4999 private
    // END TASK 04.close
}

const char* close_code_name(std::uint16_t code) noexcept {
    switch (code) {
    case 1000: return "normal closure";
    case 1001: return "going away";
    case 1002: return "protocol error";
    case 1003: return "unsupported data";
    case 1005: return "no status code";
    case 1006: return "abnormal closure";
    case 1007: return "invalid payload data";
    case 1008: return "policy violation";
    case 1009: return "message too big";
    case 1010: return "mandatory extension";
    case 1011: return "internal error";
    case 1012: return "service restart";
    case 1013: return "try again later";
    case 1014: return "bad gateway";
    default: return code >= 3000 && code <= 4999 ? "application-defined" : "invalid";
    }
}

FrameDecoder::Step FrameDecoder::fail(const char* reason) noexcept {
    state_ = State::error;
    error_code_ = close_code::protocol_error;
    error_reason_ = reason;
    return {Status::error};
}

bool FrameDecoder::check_first_byte() noexcept {
    // TASK 04.frame-header: decode a frame header: FIN, RSV, opcode, MASK, the three length forms, the key
    header_.fin = (raw_[0] & 0x80) != 0;
    header_.rsv = static_cast<std::uint8_t>((raw_[0] >> 4) & 0x7);
    header_.opcode = raw_[0] & 0xF;
    if (header_.rsv != 0) return fail("RSV bit set but no extension was negotiated"), false;         // 5.2
    if (!is_known_opcode(header_.opcode)) return fail("reserved opcode"), false;                     // 5.2
    if (is_control(header_.opcode) && !header_.fin) return fail("fragmented control frame"), false;  // 5.5
    return true;
    // END TASK 04.frame-header
}

bool FrameDecoder::check_second_byte() noexcept {
    // TASK 04.frame-header: decode a frame header: FIN, RSV, opcode, MASK, the three length forms, the key
    header_.masked = (raw_[1] & 0x80) != 0;
    const std::uint8_t length7 = raw_[1] & 0x7F;
    if (header_.masked != expect_masked_) {  // 5.1
        return fail(expect_masked_ ? "client frame not masked" : "server frame masked"), false;
    }
    if (is_control(header_.opcode) && length7 > max_control_payload) {  // 5.5
        return fail("control frame payload over 125 bytes"), false;
    }
    header_size_ = 2 + (length7 == 126 ? 2 : length7 == 127 ? 8 : 0) + (header_.masked ? 4 : 0);
    return true;
    // END TASK 04.frame-header
}

void FrameDecoder::finish_header() noexcept {
    // TASK 04.frame-header: decode a frame header: FIN, RSV, opcode, MASK, the three length forms, the key
    const std::uint8_t length7 = raw_[1] & 0x7F;
    std::size_t at = 2;
    if (length7 < 126) {
        header_.length = length7;
    } else {
        const std::size_t bytes = length7 == 126 ? 2 : 8;
        header_.length = 0;
        for (std::size_t i = 0; i < bytes; ++i) header_.length = (header_.length << 8) | raw_[at + i];
        at += bytes;
    }
    if (header_.masked) std::memcpy(header_.mask.data(), raw_.data() + at, 4);
    received_ = 0;
    // END TASK 04.frame-header
}

FrameDecoder::Step FrameDecoder::next(std::string_view& input) noexcept {
    for (;;) {
        switch (state_) {
        case State::error: return {Status::error};
        case State::header: {
            if (raw_size_ == header_size_) {  // the previous frame's header, kept for raw_header()
                raw_size_ = 0;
                header_size_ = 2;
            }
            if (input.empty()) return {Status::need_more};
            // Take one byte at a time until the header's size is known, then the rest at once.
            const std::size_t wanted = raw_size_ < 2 ? 1 : header_size_ - raw_size_;
            const std::size_t n = std::min(wanted, input.size());
            std::memcpy(raw_.data() + raw_size_, input.data(), n);
            input.remove_prefix(n);
            raw_size_ += n;
            if (raw_size_ == 1 && !check_first_byte()) return {Status::error};
            if (raw_size_ == 2 && n == 1 && !check_second_byte()) return {Status::error};
            if (raw_size_ >= 3 && (raw_[1] & 0x7F) == 127 && (raw_[2] & 0x80) != 0) {  // 5.2
                return fail("64-bit payload length with its most significant bit set");
            }
            if (raw_size_ < header_size_) continue;
            finish_header();
            state_ = State::payload;
            return {Status::header};
        }
        case State::payload: {
            if (received_ == header_.length) {  // frame complete: get ready for the next header
                state_ = State::header;
                return {Status::frame_end};
            }
            if (input.empty()) return {Status::need_more};
            const std::uint64_t left = header_.length - received_;
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, input.size()));
            const Step step{Status::payload, input.substr(0, n), received_};
            input.remove_prefix(n);
            received_ += n;
            return step;
        }
        }
    }
}

}  // namespace ws
