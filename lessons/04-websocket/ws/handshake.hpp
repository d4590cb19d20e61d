#pragma once
// The opening handshake (RFC 6455 4), both sides, without sockets.
//
// Server: evaluate_handshake() checks a parsed request against RFC 6455 4.2.1, one rule after
// another, and returns the exact bytes to answer with: "101 Switching Protocols" with
// Sec-WebSocket-Accept, or an HTTP error (400, 403, 405, 426) saying why. Each check it made is
// listed in `steps` with the RFC section it comes from, for --trace.
//
// Client: make_client_handshake() builds the request around a fresh random key;
// check_server_response() checks the answer as strictly as RFC 6455 4.1 asks (status 101,
// Upgrade, Connection, Sec-WebSocket-Accept, no extension or subprotocol we did not offer).
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
    int status = 0;              // 101 if accepted, else the HTTP error status
    std::string response;        // the whole response head (and body, for errors) to send
    std::string reason;          // why it was refused (empty if accepted)
    std::string subprotocol;     // the one chosen, or empty
    std::vector<std::string> steps;  // each check and its RFC section, for --trace
    bool accepted() const noexcept { return status == 101; }
};

HandshakeResult evaluate_handshake(const HttpHead& request, const ServerHandshakeOptions& options);

// A complete HTTP/1.1 error response: status line, a short text body with the reason, and
// `extra_headers` (each "Name: value\r\n"). Connection: close, the server hangs up after it.
std::string http_error_response(int status, std::string_view reason, std::string_view extra_headers = {});

struct ClientHandshake {
    std::string key;              // Base64 of 16 random bytes
    std::string expected_accept;  // compute_accept(key)
    std::string request;          // the request bytes to send
};

// `host_header` as it goes in Host ("example.com:7004"), `target` the path ("/ws").
// `random16` must be 16 bytes from a good random source (see ws/random.hpp).
ClientHandshake make_client_handshake(std::string_view host_header, std::string_view target,
                                      std::string_view random16,
                                      const std::vector<std::string>& subprotocols = {},
                                      std::string_view origin = {});

struct ClientHandshakeCheck {
    bool ok = false;
    std::string reason;       // why the answer was refused ("HTTP 404 Not Found", ...)
    std::string subprotocol;  // the server's choice, if any
    std::vector<std::string> steps;
};

ClientHandshakeCheck check_server_response(const HttpHead& response, const ClientHandshake& handshake,
                                           const std::vector<std::string>& subprotocols = {});

// ws://host[:port][/path]: what a client needs to connect and to fill in Host.
struct WsUrl {
    std::string host;         // without brackets: "::1"
    std::uint16_t port = 80;  // the default for ws://
    std::string target = "/";
    std::string host_header;  // "[::1]:7004", or without the port if it is the default
};
// Throws std::invalid_argument with the reason for anything else (wss:// included: TLS is
// another lesson).
WsUrl parse_ws_url(std::string_view url);

}  // namespace ws
