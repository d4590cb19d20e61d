#pragma once
// The opening handshake (RFC 6455 4) without sockets: the server's side, and the key and
// accept both sides compute (the client's side is ws/client_handshake.hpp).
//
// Server: evaluate_handshake() checks a parsed request against RFC 6455 4.2.1, one rule after
// another, and returns the exact bytes to answer with: "101 Switching Protocols" with
// Sec-WebSocket-Accept, or an HTTP error (400, 403, 405, 426) saying why. Each check it made is
// listed in `steps` with the RFC section it comes from, for --trace.
//
// The key and the accept prove that the server understood a WebSocket request (a plain HTTP
// server or a cache could not produce the accept); they are not authentication or secrecy.

#include "ws/http.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ws {

// The GUID every WebSocket server appends to the key (RFC 6455 1.3).
inline constexpr std::string_view websocket_guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Base64(SHA-1(key + GUID)): "dGhlIHNhbXBsZSBub25jZQ==" gives "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
std::string compute_accept(std::string_view key);
// The same, with the intermediate values as lines of text, for --trace.
std::vector<std::string> explain_accept(std::string_view key);

struct ServerHandshakeOptions {
    std::vector<std::string> allowed_origins;  // empty: any Origin (or none) is accepted
    std::vector<std::string> subprotocols;     // what we speak, in our order of preference
};

struct HandshakeResult {
    int status = 0;                  // 101 if accepted, else the HTTP error status
    std::string response;            // the whole response head (and body, for errors) to send
    std::string reason;              // why it was refused (empty if accepted)
    std::string subprotocol;         // the one chosen, or empty
    std::vector<std::string> steps;  // each check and its RFC section, for --trace
    bool accepted() const noexcept { return status == 101; }
};

HandshakeResult evaluate_handshake(const HttpHead& request, const ServerHandshakeOptions& options);

// The HTTP/1.1 responses a server sends before it hangs up (both say Connection: close), in one
// shape: the status line, Content-Type, Content-Length, Connection: close, `extra_headers` (each
// "Name: value\r\n"), a blank line, the body.
//
// 200 OK with `body` (a page, say) of the given type.
std::string http_ok_response(std::string_view content_type, std::string_view body,
                             std::string_view extra_headers = {});
// An error: `status` with a short text body, the reason and a newline.
std::string http_error_response(int status, std::string_view reason, std::string_view extra_headers = {});

}  // namespace ws
