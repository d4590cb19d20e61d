#pragma once
// What the main() of both WebSocket servers (04-ws-server, 05-chat-server) does besides its own
// flags: the --max-connections flag, and running the server until a signal stops it. Include it
// only in a file with a main() (it brings CLI11, as common/cli.hpp does).
//
//   std::size_t max_connections = 0;
//   lesson04::add_max_connections_option(app, max_connections);
//   ...
//   config.max_connections = course::connection_cap(max_connections);
//   asio::io_context io(1);
//   EchoServer server(io, endpoint, config, log);
//   lesson04::serve_until_stopped(io, server, config.max_connections, log);

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/logger.hpp"
#include "common/stop_signals.hpp"

#include <asio/io_context.hpp>
#include <cstddef>
#include <iostream>
#include <string>

namespace lesson04 {

// --max-connections: connections at once, past which a client gets HTTP 503. 0, the default,
// stands for what the open-file limit allows (course::connection_cap, common/open_files.hpp).
inline void add_max_connections_option(CLI::App& app, std::size_t& max_connections) {
    app.add_option("--max-connections", max_connections,
                   "connections at once, more get HTTP 503 (default: what the open-file limit allows)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
}

// Catches SIGINT, SIGTERM and SIGHUP (each calls server.shutdown(): every WebSocket is closed
// with 1001), starts accepting, prints "listening on HOST:PORT", and runs `io` until the server
// has stopped. Server: EchoServer or lesson05::ChatServer (start, shutdown, local_endpoint).
template <class Server> void serve_until_stopped(asio::io_context& io, Server& server,
                                                 std::size_t max_connections, course::Logger& log) {
    course::StopSignals signals(io);  // before "listening on": a signal from then on is kept
    signals.async_wait(log, [&] { server.shutdown(); });
    server.start();
    const std::string endpoint = course::format_endpoint(server.local_endpoint());
    course::announce_listening(std::cout, endpoint);
    log.info("open http://", endpoint, "/ in a browser; WebSocket at /ws; up to ", max_connections,
             " connections");
    io.run();
    log.info("server stopped");
}

}  // namespace lesson04
