#pragma once
// Text from the network, made safe to print on a terminal.
//
// A terminal obeys some of the bytes it is given instead of showing them: ESC (0x1B) starts the
// sequences that move the cursor, clear the screen, recolour text or retitle the window, and
// the C1 controls U+0080..U+009F are a second set of the same (U+009B is a one-character CSI,
// "ESC ["). Some terminals also obey the raw byte 0x9B, which is not UTF-8 at all. So a chat
// line that goes to other people's terminals shows such characters instead of passing them on:
//
//   a control character (C0 but tab, DEL, C1)   written as \n, \r or \xNN (NN: the code point)
//   a byte that is not part of valid UTF-8      written as \xNN (NN: the byte)
//   anything else, tab included                 as it is
//
// "Valid UTF-8" is RFC 3629 (Unicode table 3-7): no overlong forms (C0 80 for NUL), no UTF-16
// surrogates (ED A0 80), nothing past U+10FFFF, no stray continuation bytes, no sequence cut
// short. An invalid sequence is escaped byte by byte and decoding starts again at the next
// byte, so a valid character after garbage is still shown as itself.
//
// The result is valid UTF-8 without a control character, so applying terminal_safe() to it
// again changes nothing: a client can make server text safe without knowing whether the server
// did already. A backslash is not escaped, so "\x1b" typed by a person looks like an escaped
// ESC; that is harmless for a terminal, and it keeps ordinary text unchanged.

#include <cstddef>
#include <string>
#include <string_view>

namespace course {

std::string terminal_safe(std::string_view text);

// The length (1 to 4) of the well-formed UTF-8 sequence that starts `bytes`, or 0 if it does
// not start with one (empty, invalid, or cut short).
std::size_t utf8_sequence_length(std::string_view bytes) noexcept;

}  // namespace course
