#pragma once
// An incremental UTF-8 validator (RFC 3629, Unicode table 3-7), and the encoder of one code point.
//
// A WebSocket text message must be valid UTF-8 (RFC 6455 5.6, 8.1), but it arrives in pieces:
// in fragments, and each fragment in whatever pieces TCP delivers. A code point may be cut
// anywhere, so the validator keeps the state of a sequence across calls to feed(). It fails
// as early as the bytes allow: an overlong form (C0 80), a surrogate (ED A0 80), a value past
// U+10FFFF (F4 90 80 80) or a stray continuation byte is refused at the first byte that makes
// it impossible, not at the end of the message. At the end of a message, complete() says
// whether the last code point was finished.

#include <cstdint>
#include <string>
#include <string_view>

namespace ws {

class Utf8Validator {
public:
    // Checks the next bytes. Returns false (and stays failed) at the first impossible byte.
    bool feed(std::string_view bytes) noexcept;
    // True if no byte so far was invalid and no code point is left unfinished.
    bool complete() const noexcept { return !failed_ && needed_ == 0; }
    bool failed() const noexcept { return failed_; }
    void reset() noexcept { *this = Utf8Validator{}; }

private:
    std::uint8_t needed_ = 0;    // continuation bytes still expected in the current code point
    std::uint8_t lower_ = 0x80;  // the range the next continuation byte must fall in; only the
    std::uint8_t upper_ = 0xBF;  // first one after E0, ED, F0, F4 is narrower than 80..BF
    bool failed_ = false;
};

bool is_valid_utf8(std::string_view bytes) noexcept;

// Appends `code_point` (at most U+10FFFF) in UTF-8: 1 byte up to U+007F, 2 up to U+07FF, 3 up
// to U+FFFF, 4 beyond (RFC 3629 3). It encodes what it is given: a surrogate (U+D800..DFFF,
// half of a UTF-16 pair, never a character) comes out as the 3 bytes that is_valid_utf8
// refuses, so a caller that must produce valid text passes only scalar values (a JSON \u
// escape pair is combined into one code point first).
void append_utf8(std::string& out, char32_t code_point);

}  // namespace ws
