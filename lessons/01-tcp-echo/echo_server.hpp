#pragma once
// Lesson 01: an iterative TCP echo server on asio's synchronous API.
//
// Iterative means one client at a time, on purpose: while run() is busy with one client, the
// next one waits in the kernel's listen backlog until the first leaves. Every byte a client
// sends is written back, all of it, however the stream happens to be cut into reads.
//
// Waiting is done in poll() (common/socket_io.hpp) so that an idle client is dropped after
// `idle_timeout` (else it would block everyone forever) and a stop request ends run() at once.

#include "common/logger.hpp"
#include "common/stop_event.hpp"

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>

namespace lesson01 {

struct EchoServerConfig {
    std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // drop a silent client
    std::size_t buffer_size = 4096;                                    // bytes per read
};

class EchoServer {
public:
    // Binds and listens at once, so a port already in use is reported here, before run().
    EchoServer(asio::io_context& io, const asio::ip::tcp::endpoint& endpoint, EchoServerConfig config,
               course::Logger& log, const course::StopEvent& stop);

    asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }

    // Accepts and serves clients one after another until stop is requested.
    void run();

private:
    void serve(asio::ip::tcp::socket& client, const std::string& peer);

    asio::ip::tcp::acceptor acceptor_;
    EchoServerConfig config_;
    course::Logger& log_;
    const course::StopEvent& stop_;
};

}  // namespace lesson01
