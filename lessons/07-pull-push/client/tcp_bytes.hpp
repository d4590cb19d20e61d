#pragma once
// The kernel's count of a TCP connection's payload bytes (Linux TCP_INFO, RFC 4898's
// HCThruOctetsAcked and HCThruOctetsReceived). The WebSocket handshake is done by lesson 04's
// connector, which owns its reads and writes; the kernel counted its bytes, so the client asks
// it instead of guessing the size of an answer it never saw.

#include <cstdint>
#include <optional>

namespace lesson07 {

struct TcpBytes {
    std::uint64_t acked = 0;     // bytes we sent that the peer acknowledged
    std::uint64_t received = 0;  // bytes the peer sent that arrived in order
};

// nullopt if the socket is not TCP or the kernel is older than Linux 4.1.
std::optional<TcpBytes> tcp_bytes(int fd);

}  // namespace lesson07
