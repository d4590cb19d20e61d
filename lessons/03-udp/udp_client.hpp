#pragma once
// Lesson 03: the client side of a UDP exchange: send a datagram to the server, wait for one
// back. Blocking calls, waits in poll() with a timeout (common/fd_wait.hpp), so no reply
// means "timed out", never "hung".
//
// Unconnected (the default), the socket uses sendto()/recvfrom(): it could talk to anyone,
// so replies from any other address are ignored. With `connect`, connect() fixes the peer:
// the kernel then filters for us, and reports ICMP errors such as "port unreachable" as
// ECONNREFUSED. connect() on UDP sends nothing: it only sets the default destination.

#include "datagram_io.hpp"

#include "common/logger.hpp"
#include "common/stop_event.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace lesson03 {

class UdpClient {
public:
    // Resolves host:port and opens a socket of the matching family (IPv4 or IPv6).
    UdpClient(asio::io_context& io, const std::string& host, std::uint16_t port, bool connect,
              std::size_t receive_buffer, const course::StopEvent& stop, course::Logger& log);

    const asio::ip::udp::endpoint& server() const noexcept { return server_; }
    bool connected() const noexcept { return connected_; }

    // Sends one datagram. Throws std::runtime_error, before sending, if it is too big for one
    // datagram, and on "connection refused" (connected sockets only).
    void send(std::string_view payload);

    // Waits up to `timeout` for a datagram from the server. When ok, payload() holds the
    // bytes kept. Throws std::runtime_error on "connection refused" and other socket errors.
    ReceiveResult receive(std::chrono::milliseconds timeout);
    std::string_view payload(const ReceivedDatagram& datagram) const {
        return {buffer_.data(), datagram.kept};
    }

private:
    [[noreturn]] void refused() const;

    asio::ip::udp::socket socket_;
    asio::ip::udp::endpoint server_;
    bool connected_;
    bool announced_ = false;  // the local address was logged (after the first send)
    std::vector<char> buffer_;
    const course::StopEvent& stop_;
    course::Logger& log_;
};

}  // namespace lesson03
