#pragma once
// Base64 (RFC 4648 section 4, the standard alphabet with '=' padding), written out for the
// opening handshake: Sec-WebSocket-Key is Base64 of 16 random bytes, Sec-WebSocket-Accept is
// Base64 of a SHA-1 digest.

#include <optional>
#include <string>
#include <string_view>

namespace ws {

std::string base64_encode(std::string_view bytes);

// Strict decoding: only the standard alphabet, length a multiple of 4, padding only at the
// end and with the unused bits zero (so every input has exactly one valid spelling).
// Returns nullopt for anything else, including whitespace.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ws
