#pragma once
// Endpoints as people write them: "127.0.0.1:7001" and "[::1]:7001" (brackets keep the port
// apart from an IPv6 address's colons).

#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <string>

namespace course {

std::string format_endpoint(const asio::ip::address& address, std::uint16_t port);
std::string format_endpoint(const asio::ip::tcp::endpoint& endpoint);
std::string format_endpoint(const asio::ip::udp::endpoint& endpoint);

// Resolves --host/--port for a server to bind: an IPv4 or IPv6 literal, or a name such as
// "localhost" (its first address). Throws std::runtime_error naming the host if it fails.
asio::ip::tcp::endpoint resolve_listen_endpoint(const std::string& host, std::uint16_t port);

}  // namespace course
