#pragma once
// What --trace prints, shared by 04-ws-server and 04-ws-client: each frame with its header
// fields spelled out and its payload before and after unmasking, the HTTP head of the
// handshake as text, and (the server) each read from the socket with its size.

#include "ws/connection.hpp"

#include <string>
#include <string_view>

namespace lesson04 {

// "frame in: FIN=1 RSV=000 opcode=0x1 (text) MASK=1 key=37 fa 21 3d length=5 (7-bit)"
// followed by hex dumps of the header, the payload as sent (masked) and unmasked.
std::string describe_frame(const ws::FrameTrace& frame);

// "read 1 byte" or "read 6 bytes", followed by a hex dump of the first bytes: one TCP read, as it
// came (a frame may take several reads, and one read may hold several frames).
std::string describe_read(std::string_view bytes);

// The head of an HTTP request or response, one "prefix line" per line, CRLFs made visible.
std::string describe_http_head(std::string_view prefix, std::string_view head);

// "01 02 ff" for the first `max_bytes` bytes.
std::string hex_bytes(std::string_view bytes, std::size_t max_bytes);

}  // namespace lesson04
