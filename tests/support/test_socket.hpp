#pragma once
// A plain blocking TCP client for tests, on POSIX calls, with a timeout on every read:
// a server that never answers makes the test fail with a message instead of hanging.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace course::testing {

class TestSocket;

// A TCP port on 127.0.0.1 that nobody listens on: a free one, bound and given back at once.
std::uint16_t unused_tcp_port();

// A listening socket on 127.0.0.1, port 0 (a free one), for scripting a server's exact bytes,
// or for playing a server that never answers: the kernel completes a client's connect from the
// backlog before anyone calls accept().
class TestListener {
public:
    TestListener();
    TestListener(const TestListener&) = delete;
    TestListener& operator=(const TestListener&) = delete;
    ~TestListener();

    std::uint16_t port() const noexcept { return port_; }
    // The next client; throws if none comes within `timeout`.
    TestSocket accept(std::chrono::milliseconds timeout = std::chrono::seconds(5));

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

class TestSocket {
public:
    // Connects to host:port (IPv4 or IPv6 literal). Throws with the reason if it fails.
    static TestSocket connect(std::uint16_t port, const std::string& host = "127.0.0.1");

    TestSocket(TestSocket&& other) noexcept;
    TestSocket& operator=(TestSocket&& other) noexcept;
    ~TestSocket();

    int fd() const noexcept { return fd_; }

    void send_all(std::string_view data);
    // Exactly n bytes; throws on timeout or if the peer closes first.
    std::string read_exactly(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // The next "\n"-terminated line without its "\n"; nullopt if the peer closed; throws on timeout.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Whatever arrives within `timeout` (at least one byte, or "" if the peer closed); throws on timeout.
    std::string read_some(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Reads and discards until the peer closes; true if it did within `timeout`.
    bool wait_for_close(std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // True if not a single byte arrives within `window` (for "must wait" checks).
    bool silent_for(std::chrono::milliseconds window);

    void shutdown_write();
    // Closes with an RST instead of a FIN, as a crashed or killed peer would.
    void reset();

private:
    friend class TestListener;
    explicit TestSocket(int fd) : fd_(fd) {}
    // Appends to buffer_ whatever arrives within `timeout`; false on timeout, true otherwise
    // (closed_ tells whether the peer hung up).
    bool fill(std::chrono::milliseconds timeout);

    int fd_ = -1;
    std::string buffer_;
    bool closed_ = false;
};

}  // namespace course::testing
