#include "client/tcp_bytes.hpp"

// <linux/tcp.h>, not <netinet/tcp.h>: glibc's struct tcp_info stops before the byte counters.
// The two headers cannot be mixed, which is why this file includes no asio.
#include <linux/tcp.h>
#include <netinet/in.h>  // IPPROTO_TCP
#include <sys/socket.h>

#include <cstddef>

namespace lesson07 {

std::optional<TcpBytes> tcp_bytes(int fd) {
    tcp_info info{};
    socklen_t size = sizeof info;
    if (::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return std::nullopt;
    if (size < offsetof(tcp_info, tcpi_bytes_received) + sizeof info.tcpi_bytes_received) return std::nullopt;
    return TcpBytes{info.tcpi_bytes_acked, info.tcpi_bytes_received};
}

}  // namespace lesson07
