#pragma once
// ws://host[:port][/path]: the parts a client needs to connect and to fill in Host.

#include <cstdint>
#include <string>
#include <string_view>

namespace ws {

struct WsUrl {
    std::string host;         // without brackets: "::1"
    std::uint16_t port = 80;  // the default for ws://
    std::string target = "/";
    std::string host_header;  // "[::1]:7004", or without the port if it is the default
};

// Throws std::invalid_argument with the reason for anything else (wss:// included: TLS is
// another lesson).
WsUrl parse_ws_url(std::string_view url);

// The URL for a host (a name, an IPv4 or an IPv6 literal, as a user types it after --host), a
// port and a path: "ws://localhost:7004/ws", "ws://[::1]:7004/ws".
std::string make_ws_url(std::string_view host, std::uint16_t port, std::string_view target = "/ws");

}  // namespace ws
