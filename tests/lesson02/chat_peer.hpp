#pragma once
// Helpers for the lesson 02 tests: the chat server running in this process on a thread of its
// own (so ThreadSanitizer watches it), and a chat client over a real socket.

#include "chat_server.hpp"
#include "tests/support/test_socket.hpp"

#include <asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <thread>

namespace lesson02::testing {

// Runs `body` on a thread; an exception becomes a test failure instead of std::terminate.
std::thread checked_thread(std::function<void()> body);

// ChatServer on 127.0.0.1, port 0, running on another thread until stop() or destruction.
class ServerThread {
public:
    explicit ServerThread(ChatServerConfig config = {});
    ~ServerThread();
    ServerThread(const ServerThread&) = delete;
    ServerThread& operator=(const ServerThread&) = delete;

    std::uint16_t port() const { return port_; }
    ChatServer& server() { return server_; }
    // Requests the stop; true if run() returned (every thread joined) within `timeout`.
    bool stop(std::chrono::milliseconds timeout = std::chrono::seconds(10));

private:
    course::Logger log_;
    course::StopEvent stop_;
    asio::io_context io_;
    ChatServer server_;
    std::uint16_t port_;
    std::future<void> running_;
};

// One chat client over a TestSocket. Read lines through ChatPeer only (not socket().read_line).
class ChatPeer {
public:
    // Connects and reads the welcome line.
    static ChatPeer connect(std::uint16_t port, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Connects, sends `name` and waits for "* you are NAME".
    static ChatPeer join(std::uint16_t port, const std::string& name,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

    void send(std::string_view text) { socket_.send_all(text); }
    void send_line(std::string_view text) { socket_.send_all(std::string(text) + "\n"); }
    // The next line; throws on timeout or if the server closed the connection.
    std::string line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // The next line that is not a notice ("* ..."): a chat line or an error.
    std::string chat_line(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // Reads lines until one equals `expected`; throws if the connection ends first.
    void skip_until(std::string_view expected, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    course::testing::TestSocket& socket() { return socket_; }

private:
    explicit ChatPeer(course::testing::TestSocket socket) : socket_(std::move(socket)) {}
    course::testing::TestSocket socket_;
    // Lines are cut here rather than by TestSocket::read_line, which erases each line from the
    // front of its buffer: quadratic when 200 clients receive 4000 lines each.
    std::string pending_;
    std::size_t offset_ = 0;  // start of the first line not yet returned
};

}  // namespace lesson02::testing
