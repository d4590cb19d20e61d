#pragma once
// What the load generator connects to: tcp://HOST:PORT (newline-terminated lines),
// ws://HOST:PORT/PATH (WebSocket text messages) or wss://HOST[:PORT]/PATH (the same over TLS;
// the port defaults to 443).

#include "ws/url.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lesson06 {

struct Target {
    enum class Scheme { tcp, ws, wss };
    Scheme scheme = Scheme::tcp;
    std::string host;  // without brackets
    std::uint16_t port = 0;
    ws::WsUrl ws;     // ws:// and wss://: the path and the Host header for the handshake
    std::string url;  // as given

    bool is_websocket() const noexcept { return scheme != Scheme::tcp; }
};

// Throws std::invalid_argument saying what is wrong.
Target parse_target(std::string_view url);

// The URLs as given, separated by spaces (for logs and reports).
std::string urls_of(const std::vector<Target>& targets);

}  // namespace lesson06
