#pragma once
// The client's side of the opening handshake (RFC 6455 4.1), without sockets.
//
//   ws::ClientHandshaker hs(url, random.bytes(16));
//   write(hs.request());
//   while (hs.state() == ws::ClientHandshaker::State::waiting) {
//       std::string_view in = read();              // or, at end of stream: hs.receive_eof()
//       hs.receive(in);                            // what follows the head stays in `in`
//   }
//   if (hs.state() == ws::ClientHandshaker::State::refused) report(hs.reason());
//
// It builds the request around a fresh random key, reads the server's answer as it arrives
// (any cut of the stream), and checks it as strictly as RFC 6455 4.1 asks: status 101, Upgrade,
// Connection, Sec-WebSocket-Accept, no extension or subprotocol we did not offer. Bytes after
// the answer's blank line are the server's first frame: they are left in the caller's input.
// Every client of the course (the terminal clients, the load generator, the benchmark, the
// tests' clients) goes through this one piece.

#include "ws/http.hpp"
#include "ws/url.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ws {

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

// Checks a complete answer head against the request we sent.
ClientHandshakeCheck check_server_response(const HttpHead& response, const ClientHandshake& handshake,
                                           const std::vector<std::string>& subprotocols = {});

struct ClientHandshakeOptions {
    std::vector<std::string> subprotocols;  // offered, in our order of preference
    std::string origin;                     // sent as Origin when not empty (as a browser does)
    HttpLimits limits;                      // for the answer's head
};

class ClientHandshaker {
public:
    enum class State {
        waiting,   // the request is ready; the answer is incomplete
        accepted,  // 101 and every check passed: the connection speaks WebSocket now
        refused,   // an HTTP error, a malformed answer, a failed check, or the stream ended
    };

    ClientHandshaker(const WsUrl& url, std::string_view random16, ClientHandshakeOptions options = {});

    const std::string& request() const noexcept { return handshake_.request; }
    const std::string& key() const noexcept { return handshake_.key; }

    // Consumes the answer's bytes from the front of `input`, up to the end of its head.
    State receive(std::string_view& input);
    // The stream ended (the server hung up): refused, unless the answer was already complete.
    State receive_eof();

    State state() const noexcept { return state_; }
    // Why it was refused, in one line a user understands.
    const std::string& reason() const noexcept { return reason_; }
    const std::string& subprotocol() const noexcept { return subprotocol_; }
    // The answer's head as received so far, exactly (for --trace), and once parsed.
    const std::string& answer_bytes() const noexcept { return answer_bytes_; }
    const HttpHead& answer() const noexcept { return parser_.head(); }
    // Each check of the answer and the RFC section it comes from, for --trace.
    const std::vector<std::string>& steps() const noexcept { return steps_; }

private:
    State refuse(std::string reason);

    ClientHandshakeOptions options_;
    ClientHandshake handshake_;
    HttpParser parser_;
    std::string answer_bytes_;
    State state_ = State::waiting;
    std::string reason_;
    std::string subprotocol_;
    std::vector<std::string> steps_;
};

const char* client_handshake_state_name(ClientHandshaker::State state) noexcept;

}  // namespace ws
