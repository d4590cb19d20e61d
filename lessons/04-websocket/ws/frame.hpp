#pragma once
// WebSocket frames (RFC 6455 5.2): the header layout, masking, an encoder and a push-style
// decoder. No sockets here: bytes in, frames out.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-------+-+-------------+-------------------------------+
//   |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//   |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//   |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//   | |1|2|3|       |K|             |                               |
//   +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//   |     Extended payload length continued, if payload len == 127  |
//   + - - - - - - - - - - - - - - - +-------------------------------+
//   |                               |Masking-key, if MASK set to 1  |
//   +-------------------------------+-------------------------------+
//   | Masking-key (continued)       |          Payload Data         |
//   +-------------------------------- - - - - - - - - - - - - - - - +

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ws {

enum class Opcode : std::uint8_t {
    continuation = 0x0,
    text = 0x1,
    binary = 0x2,
    close = 0x8,
    ping = 0x9,
    pong = 0xA,
};

// Control frames (close, ping, pong) have the top opcode bit set (RFC 6455 5.5).
constexpr bool is_control(std::uint8_t opcode) noexcept { return (opcode & 0x8) != 0; }
constexpr bool is_known_opcode(std::uint8_t opcode) noexcept {
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}
const char* opcode_name(std::uint8_t opcode) noexcept;  // "text", "ping", "reserved"...

using MaskKey = std::array<std::uint8_t, 4>;

struct FrameHeader {
    bool fin = true;
    std::uint8_t rsv = 0;  // RSV1..RSV3 as bits 2..0; must be 0 without a negotiated extension
    std::uint8_t opcode = 0;
    bool masked = false;
    MaskKey mask{};
    std::uint64_t length = 0;
};

inline constexpr std::size_t max_frame_header_size = 14;  // 2 + 8 (64-bit length) + 4 (mask)
inline constexpr std::size_t max_control_payload = 125;   // RFC 6455 5.5

// Bytes the header of a frame with this payload length takes (minimal length encoding).
std::size_t frame_header_size(std::uint64_t length, bool masked) noexcept;

// Writes the header into `out` (room for max_frame_header_size bytes) and returns its size.
// The payload can then be sent from where it is, with a gathered write, without a copy.
std::size_t encode_frame_header(const FrameHeader& header, std::uint8_t* out) noexcept;

// Appends a whole frame to `out`. With a mask key the payload is masked as it is copied
// (a client's frame); without one it is copied as is (a server's frame).
void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin = true,
                  const MaskKey* mask = nullptr);

// XORs data with the mask key (RFC 6455 5.3). `offset` is the position of data[0] within the
// frame's payload, so a payload unmasked in pieces gives the same bytes as in one go. Works a
// machine word (8 bytes) at a time through memcpy: no alignment needed, no undefined behaviour.
void apply_mask(std::uint8_t* data, std::size_t size, MaskKey key, std::uint64_t offset = 0) noexcept;
// The same, one byte at a time: the textbook loop, kept for tests and the benchmark.
void apply_mask_bytewise(std::uint8_t* data, std::size_t size, MaskKey key,
                         std::uint64_t offset = 0) noexcept;

// Close status codes (RFC 6455 7.4.1; 1012-1014 from the IANA registry).
namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;        // never on the wire: "the close had no code"
inline constexpr std::uint16_t abnormal = 1006;         // never on the wire: "no close frame at all"
inline constexpr std::uint16_t invalid_payload = 1007;  // e.g. text that is not UTF-8
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

// May this code appear in a close frame? 1000-1003, 1007-1014 and 3000-4999 may; 1004-1006,
// 1015, other codes below 3000 and anything from 5000 may not (RFC 6455 7.4.1, 7.4.2).
bool is_valid_close_code(std::uint16_t code) noexcept;
const char* close_code_name(std::uint16_t code) noexcept;

// Turns a byte stream into frame headers and payload pieces. Push any number of bytes at a
// time, down to one: the decoder keeps its place across calls. It checks what a single frame
// header can break (RFC 6455 5.2, 5.5): RSV bits without an extension, unknown opcodes,
// fragmented or over-long control frames, the mask bit the role requires, a 64-bit length with
// its top bit set. Each rule is checked at the first byte that decides it. Message-level rules
// (continuations, sizes, UTF-8) belong to ws::Connection.
class FrameDecoder {
public:
    // expect_masked: true for a server (client frames MUST be masked, RFC 6455 5.1), false for
    // a client (server frames MUST NOT be).
    explicit FrameDecoder(bool expect_masked) noexcept : expect_masked_(expect_masked) {}

    enum class Status {
        need_more,  // all input consumed, no frame boundary reached
        header,     // a header is complete: see header()
        payload,    // Step::payload holds the next piece of the payload, still masked
        frame_end,  // the current frame's payload is complete
        error,      // a protocol violation: see error_code() and error_reason()
    };
    struct Step {
        Status status;
        std::string_view payload{};  // for Status::payload: a view into the input
        std::uint64_t offset = 0;    // position of payload[0] in the frame (for apply_mask)
    };

    // Consumes bytes from the front of `input` until something happens, and says what.
    Step next(std::string_view& input) noexcept;

    const FrameHeader& header() const noexcept { return header_; }
    // The header exactly as it arrived (for --trace).
    std::string_view raw_header() const noexcept {
        return {reinterpret_cast<const char*>(raw_.data()), raw_size_};
    }
    std::uint16_t error_code() const noexcept { return error_code_; }
    const char* error_reason() const noexcept { return error_reason_; }

private:
    Step fail(const char* reason) noexcept;
    bool check_first_byte() noexcept;
    bool check_second_byte() noexcept;
    void finish_header() noexcept;

    enum class State { header, payload, error };
    bool expect_masked_;
    State state_ = State::header;
    std::array<std::uint8_t, max_frame_header_size> raw_{};
    std::size_t raw_size_ = 0;
    std::size_t header_size_ = 2;  // known once the second byte has arrived
    FrameHeader header_{};
    std::uint64_t received_ = 0;  // payload bytes of the current frame passed on so far
    std::uint16_t error_code_ = 0;
    const char* error_reason_ = "";
};

}  // namespace ws
