#include "udp_test_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace lesson03::testing {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

socklen_t make_address(int family, const std::string& host, std::uint16_t port, sockaddr_storage& out) {
    std::memset(&out, 0, sizeof out);
    if (family == AF_INET6) {
        auto& v6 = reinterpret_cast<sockaddr_in6&>(out);
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        if (::inet_pton(AF_INET6, host.c_str(), &v6.sin6_addr) != 1)
            throw std::runtime_error("bad IPv6 " + host);
        return sizeof v6;
    }
    auto& v4 = reinterpret_cast<sockaddr_in&>(out);
    v4.sin_family = AF_INET;
    v4.sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &v4.sin_addr) != 1) throw std::runtime_error("bad IPv4 " + host);
    return sizeof v4;
}

}  // namespace

UdpTestSocket::UdpTestSocket(const std::string& host)
    : host_(host), family_(host.find(':') == std::string::npos ? AF_INET : AF_INET6),
      fd_(::socket(family_, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {
    if (fd_ < 0) throw_errno("socket");
    sockaddr_storage address{};
    const socklen_t length = make_address(family_, host_, 0, address);
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) < 0) {
        ::close(fd_);
        throw_errno("bind " + host_);
    }
}

UdpTestSocket::~UdpTestSocket() { ::close(fd_); }

std::uint16_t UdpTestSocket::local_port() const {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) < 0) throw_errno("getsockname");
    return family_ == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6&>(address).sin6_port)
                               : ntohs(reinterpret_cast<sockaddr_in&>(address).sin_port);
}

void UdpTestSocket::send_to(std::uint16_t port, std::string_view data) {
    sockaddr_storage address{};
    const socklen_t length = make_address(family_, host_, port, address);
    const ssize_t n =
        ::sendto(fd_, data.data(), data.size(), 0, reinterpret_cast<sockaddr*>(&address), length);
    if (n < 0) throw_errno("sendto");
    if (static_cast<std::size_t>(n) != data.size())
        throw std::runtime_error("sendto sent part of a datagram");
}

bool UdpTestSocket::wait_readable(std::chrono::milliseconds timeout) {
    pollfd poller{fd_, POLLIN, 0};
    int ready;
    do {
        ready = ::poll(&poller, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    if (ready < 0) throw_errno("poll");
    return ready > 0;
}

Datagram UdpTestSocket::receive(std::chrono::milliseconds timeout, std::size_t buffer_size) {
    if (!wait_readable(timeout)) {
        throw std::runtime_error("no datagram within " + std::to_string(timeout.count()) + " ms");
    }
    std::vector<char> buffer(buffer_size);
    // MSG_TRUNC: return the datagram's real length even if the buffer is shorter.
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), MSG_TRUNC);
    if (n < 0) throw_errno("recv");
    Datagram datagram;
    datagram.length = static_cast<std::size_t>(n);
    datagram.data.assign(buffer.data(), std::min(datagram.length, buffer.size()));
    return datagram;
}

bool UdpTestSocket::silent_for(std::chrono::milliseconds window) { return !wait_readable(window); }

std::uint16_t unused_udp_port() {
    UdpTestSocket probe;
    return probe.local_port();  // closed when probe goes: nobody is bound to it any more
}

}  // namespace lesson03::testing
