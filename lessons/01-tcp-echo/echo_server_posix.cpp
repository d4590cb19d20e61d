// 01-echo-server-posix: the same iterative echo server as 01-echo-server, written on the raw
// POSIX calls that asio wraps: socket, setsockopt, bind, listen, accept, recv, send, close.
// Read it side by side with echo_server.cpp; README.md has the table of which call is which.

#include "echo_flags.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/fd_wait.hpp"
#include "common/hex_dump.hpp"
#include "common/logger.hpp"
#include "common/stop_event.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

// Connections the kernel completes and queues while we serve someone (the accept queue). Past
// it, a newcomer's SYN is dropped and only retried after 1 s, 3 s, 7 s...: ask for the most the
// system allows (SOMAXCONN, itself capped by net.core.somaxconn), as asio's listen() does.
constexpr int listen_backlog = SOMAXCONN;

// Every failing call says which call failed and why, in the kernel's words (strerror).
[[noreturn]] void throw_errno(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Closes a descriptor when it goes out of scope, so no path through the code leaks one.
class FileDescriptor {
public:
    explicit FileDescriptor(int fd = -1) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

// "127.0.0.1:7001" or "[::1]:7001" from a socket address, via inet_ntop.
std::string describe_address(const sockaddr_storage& address) {
    char text[INET6_ADDRSTRLEN] = {};
    if (address.ss_family == AF_INET6) {
        const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
        ::inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
        return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6.sin6_port));
    }
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    ::inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(v4.sin_port));
}

// socket + setsockopt + bind + listen, for the first address getaddrinfo gives for host:port.
int open_listener(const std::string& host, std::uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;      // IPv4 or IPv6, whichever `host` is
    hints.ai_socktype = SOCK_STREAM;  // TCP
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found); rc != 0) {
        throw std::runtime_error("cannot resolve host '" + host + "': " + ::gai_strerror(rc));
    }
    const addrinfo first = *found;
    sockaddr_storage address{};
    std::memcpy(&address, first.ai_addr, first.ai_addrlen);
    ::freeaddrinfo(found);

    const int fd = ::socket(first.ai_family, first.ai_socktype | SOCK_CLOEXEC, first.ai_protocol);
    if (fd < 0) throw_errno("socket");
    FileDescriptor guard(fd);
    const int yes = 1;
    // SO_REUSEADDR: restart at once on the same port, even while old connections sit in TIME_WAIT.
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) < 0) throw_errno("setsockopt");
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), first.ai_addrlen) < 0) {
        if (errno == EADDRINUSE) {
            throw std::runtime_error("cannot listen on " + describe_address(address) + ": port " + service +
                                     " is already in use (another server running? try --port 0)");
        }
        throw_errno("bind " + describe_address(address));
    }
    if (::listen(fd, listen_backlog) < 0) throw_errno("listen");
    return guard.release();  // all went well: the caller owns the descriptor now
}

class PosixEchoServer {
public:
    PosixEchoServer(int listener, std::chrono::milliseconds idle_timeout, course::Logger& log,
                    const course::StopEvent& stop)
        : listener_(listener), idle_timeout_(idle_timeout), log_(log), stop_(stop) {}

    std::string local_address() const {
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&address), &length) < 0) {
            throw_errno("getsockname");
        }
        return describe_address(address);  // the real port, even after binding port 0
    }

    void run() {
        while (course::wait_readable(listener_.get(), stop_, course::no_timeout) ==
               course::WaitResult::ready) {
            sockaddr_storage peer_address{};
            socklen_t length = sizeof peer_address;
            const int fd =
                ::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer_address), &length, SOCK_CLOEXEC);
            if (fd < 0) {  // e.g. ECONNABORTED: that client gave up; keep serving the others
                log_.info("accept failed: ", std::strerror(errno));
                continue;
            }
            FileDescriptor client(fd);
            // TCP_NODELAY: send each echo at once. Without it, Nagle's algorithm holds back a
            // small last piece until the client ACKs, and the client delays that ACK by up to 40 ms.
            const int yes = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
            const std::string peer = describe_address(peer_address);
            log_.info("client ", peer, " connected");
            serve(client.get(), peer);
        }
    }

private:
    void serve(int fd, const std::string& peer) {
        std::vector<char> buffer(4096);
        std::size_t total = 0;
        for (;;) {
            const auto wait = course::wait_readable(fd, stop_, idle_timeout_);
            if (wait == course::WaitResult::stopped) {
                log_.info("closing client ", peer, ": server shutting down");
                return;
            }
            if (wait == course::WaitResult::timed_out) {
                log_.info("client ", peer, " idle for ", idle_timeout_.count(), " ms: disconnecting");
                return;
            }
            // recv returns -1 on error, 0 when the peer closed, else how many bytes it gave us,
            // which can be anything from 1 to the buffer size. Check before using it.
            const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                log_.info("client ", peer, " connection error: ", std::strerror(errno));
                return;
            }
            if (n == 0) {
                log_.info("client ", peer, " disconnected after ", total, " bytes");
                return;
            }
            const auto length = static_cast<std::size_t>(n);
            if (log_.tracing()) {
                log_.trace(course::hex_dump("recv " + std::to_string(length) + " bytes from " + peer,
                                            {buffer.data(), length}));
            }
            if (!send_all(fd, buffer.data(), length, peer)) return;
            total += length;
        }
    }

    // send() may take fewer bytes than asked: loop until all are gone (Beej's sendall()).
    // MSG_NOSIGNAL: a peer that vanished gives us EPIPE, not a SIGPIPE that kills the server.
    // MSG_DONTWAIT: when the peer's window is full, wait in poll() with a timeout instead.
    bool send_all(int fd, const char* data, std::size_t length, const std::string& peer) {
        // TASK 01.send-all: send all the bytes, however few each send() takes, without dying of SIGPIPE
        // STUB: (void)fd;
        // STUB: (void)data;
        // STUB: (void)length;
        // STUB: (void)peer;
        std::size_t sent = 0;
        while (sent < length) {
            const ssize_t n = ::send(fd, data + sent, length - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n >= 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                log_.info("client ", peer, " send failed: ", std::strerror(errno));
                return false;
            }
            const auto wait = course::wait_writable(fd, stop_, idle_timeout_);
            if (wait != course::WaitResult::ready) {
                log_.info("client ", peer,
                          wait == course::WaitResult::stopped ? ": server shutting down"
                                                              : " is not reading: disconnecting");
                return false;
            }
        }
        log_.trace("sent ", length, " bytes back to ", peer);
        return true;
        // END TASK 01.send-all
    }

    FileDescriptor listener_;
    std::chrono::milliseconds idle_timeout_;
    course::Logger& log_;
    const course::StopEvent& stop_;
};

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Lesson 01: the blocking TCP echo server on raw POSIX sockets", "01-echo-server-posix"};
    lesson01::EchoServerFlags flags;
    lesson01::add_echo_server_flags(app, flags);
    CLI11_PARSE(app, argc, argv);
    const course::CommonOptions& options = flags.common;

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);
        PosixEchoServer server(open_listener(options.host, options.port), flags.idle_timeout, log, stop);
        course::announce_listening(std::cout, server.local_address());
        server.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
