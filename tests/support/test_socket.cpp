#include "tests/support/test_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace course::testing {

namespace {

[[noreturn]] void throw_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

TestListener::TestListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw_errno("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        const int saved = errno;
        ::close(fd_);
        errno = saved;
        throw_errno("test listener");
    }
    port_ = ntohs(address.sin_port);
}

TestListener::~TestListener() { ::close(fd_); }

std::uint16_t unused_tcp_port() { return TestListener().port(); }

TestSocket TestListener::accept(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) != 1)
        throw std::runtime_error("test listener: no client came");
    const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) throw_errno("accept");
    return TestSocket(fd);
}

TestSocket TestSocket::connect(std::uint16_t port, const std::string& host) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); rc != 0) {
        throw std::runtime_error("getaddrinfo " + host + ": " + ::gai_strerror(rc));
    }
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        ::freeaddrinfo(found);
        throw_errno("socket");
    }
    const int rc = ::connect(fd, found->ai_addr, found->ai_addrlen);
    ::freeaddrinfo(found);
    if (rc < 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        throw_errno("connect to " + host + ":" + std::to_string(port));
    }
    const int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    return TestSocket(fd);
}

TestSocket::TestSocket(TestSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)), closed_(other.closed_) {}

TestSocket& TestSocket::operator=(TestSocket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        buffer_ = std::move(other.buffer_);
        closed_ = other.closed_;
    }
    return *this;
}

TestSocket::~TestSocket() {
    if (fd_ >= 0) ::close(fd_);
}

void TestSocket::send_all(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw_errno("send");
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

bool TestSocket::fill(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    int rc;
    do {
        rc = ::poll(&p, 1, static_cast<int>(timeout.count()));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) throw_errno("poll");
    if (rc == 0) return false;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && (errno == ECONNRESET || errno == EPIPE)) {
        closed_ = true;  // a reset is also the end of the conversation
    } else if (n < 0) {
        throw_errno("recv");
    } else if (n == 0) {
        closed_ = true;
    } else {
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
}

std::string TestSocket::read_exactly(std::size_t n, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (buffer_.size() < n) {
        if (closed_) {
            throw std::runtime_error("peer closed after " + std::to_string(buffer_.size()) + " of " +
                                     std::to_string(n) + " bytes");
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !fill(left)) {
            throw std::runtime_error("timed out with " + std::to_string(buffer_.size()) + " of " +
                                     std::to_string(n) + " bytes");
        }
    }
    std::string out = buffer_.substr(0, n);
    buffer_.erase(0, n);
    return out;
}

std::optional<std::string> TestSocket::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return line;
        }
        if (closed_) return std::nullopt;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !fill(left)) {
            throw std::runtime_error("timed out waiting for a line; have '" + buffer_ + "'");
        }
    }
}

std::string TestSocket::read_some(std::chrono::milliseconds timeout) {
    if (buffer_.empty() && !closed_ && !fill(timeout)) throw std::runtime_error("timed out waiting for data");
    return std::exchange(buffer_, {});
}

bool TestSocket::wait_for_close(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_) {
        buffer_.clear();
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0 || !fill(left)) return false;
    }
    return true;
}

bool TestSocket::silent_for(std::chrono::milliseconds window) {
    if (!buffer_.empty()) return false;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(window.count())) == 0;
}

void TestSocket::shutdown_write() { ::shutdown(fd_, SHUT_WR); }

void TestSocket::reset() {
    const linger abort{1, 0};  // linger on, zero time: close() sends RST and drops unsent data
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &abort, sizeof abort);
    ::close(fd_);
    fd_ = -1;
}

}  // namespace course::testing
