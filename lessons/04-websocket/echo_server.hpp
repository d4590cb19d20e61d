#pragma once
// Lesson 04: a WebSocket echo server on asio with C++20 coroutines, one thread, many clients.
//
// Each connection is one coroutine (Session::run in echo_server.cpp): read the HTTP request
// with a size limit and a timeout, and answer it as ws::route_request says (GET / the page,
// GET /ws the opening handshake); then loop: read bytes, feed them to ws::Connection, echo each
// message, send what the connection queued (echoes, pongs, closes); then drain: our FIN, and
// the client's. Reading waits until the last write is done, so a client that does not read its
// echoes stops being read: memory stays bounded.
//
// What one client can cost, and for how long:
//   - memory: at most one message being assembled and its echo (2 x max_message); both buffers
//     are released once the echo is sent. An idle connection holds no read buffer (it waits
//     for readability, then reads into the server's one shared buffer): a few KiB in all.
//   - time: handshake_timeout to send its request, idle_timeout of silence, and write_timeout
//     while it takes none of the bytes we are sending it (a client that never reads is
//     dropped; one that reads slowly but steadily is not).
//   - a place: at most max_connections at once; the next one gets HTTP 503 and is closed.
//
// shutdown() (SIGINT, SIGTERM, SIGHUP) stops accepting and closes every WebSocket with 1001
// "going away"; run() on the io_context returns once every connection has finished.

#include "common/logger.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace lesson04 {

struct EchoServerConfig {
    std::size_t max_message = 16 * 1024 * 1024;           // bytes per message (1009 past it)
    std::size_t max_connections = 10'000;                 // at once; more get HTTP 503
    std::vector<std::string> allowed_origins;             // empty: any origin
    std::vector<std::string> subprotocols;                // offered to clients, in order
    std::chrono::milliseconds handshake_timeout{10'000};  // to send the whole request
    std::chrono::milliseconds idle_timeout{300'000};      // silence before we drop a client
    std::chrono::milliseconds write_timeout{30'000};      // for a client to take any of our bytes
    std::chrono::milliseconds close_timeout{3'000};       // for the peer's close / FIN
};

class EchoServer {
public:
    // Binds and listens at once (a port in use is reported here); accepts once start() is called.
    EchoServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, EchoServerConfig config,
               course::Logger& log);
    ~EchoServer();
    EchoServer(const EchoServer&) = delete;
    EchoServer& operator=(const EchoServer&) = delete;

    asio::ip::tcp::endpoint local_endpoint() const;
    void start();
    void shutdown();

    struct State;  // the listener and the live sessions (echo_server.cpp)

private:
    std::shared_ptr<State> state_;
};

}  // namespace lesson04
