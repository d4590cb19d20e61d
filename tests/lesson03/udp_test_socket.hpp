#pragma once
// A plain UDP socket for the lesson 03 tests, on POSIX calls, with a timeout on every receive
// and the real length of every datagram (MSG_TRUNC), so tests can check boundaries and
// truncation exactly.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace lesson03::testing {

struct Datagram {
    std::string data;        // the bytes that fit in the buffer
    std::size_t length = 0;  // the datagram's real length
};

class UdpTestSocket {
public:
    // An unconnected socket of the family of `host` ("127.0.0.1" or "::1"), on a free port.
    explicit UdpTestSocket(const std::string& host = "127.0.0.1");
    ~UdpTestSocket();
    UdpTestSocket(const UdpTestSocket&) = delete;
    UdpTestSocket& operator=(const UdpTestSocket&) = delete;

    std::uint16_t local_port() const;

    // Sends one datagram to host:port; throws if the kernel refuses it.
    void send_to(std::uint16_t port, std::string_view data);

    // The next datagram, read into a buffer of `buffer_size` bytes; throws on timeout.
    Datagram receive(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                     std::size_t buffer_size = 65'536);

    // True if no datagram arrives within `window` (for "nothing more must come" checks).
    bool silent_for(std::chrono::milliseconds window);

private:
    bool wait_readable(std::chrono::milliseconds timeout);

    std::string host_;
    int family_;
    int fd_;
};

// A UDP port on 127.0.0.1 that nobody is bound to: bind port 0, read the port, close.
std::uint16_t unused_udp_port();

}  // namespace lesson03::testing
