// 05-chat-server: a WebSocket chat for browsers (GET /) and terminals (05-chat-client) at once.
// See chat_server.hpp and README.md.
#include "chat_server.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"
#include "common/stop_signals.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 05: WebSocket chat server; open http://HOST:PORT/ in a browser", "05-chat-server"};
    course::CommonOptions options;
    options.port = 7005;
    course::add_common_options(app, options, course::Role::server);
    lesson05::ChatServerConfig config;
    std::size_t max_connections = 0;
    app.add_option("--max-message", config.max_message, "largest client message in bytes (larger ones get close 1009)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{16}, std::size_t{16} << 20));
    app.add_option("--max-connections", max_connections,
                   "connections at once, more get HTTP 503 (default: what the open-file limit allows)")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 20));
    course::add_backpressure_options(app, config.backpressure);  // a client closed with 1008 past them
    app.add_option("--allowed-origin", config.allowed_origins,
                   "accept only handshakes with this Origin, e.g. http://localhost:7005 (repeat; default: any)");
    app.add_option("--history", config.room.history, "chat messages replayed to a newcomer")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{10'000}));
    app.add_option("--presence-limit", config.room.presence_limit,
                   "members up to which join/leave/rename notices are broadcast")
        ->capture_default_str();
    course::add_seconds_option(app, "--handshake-timeout", config.handshake_timeout,
                               "time a client has to send its HTTP request");
    course::add_seconds_option(app, "--ping-interval", config.ping_interval,
                               "silence before the server pings a client");
    course::add_seconds_option(app, "--idle-timeout", config.idle_timeout,
                               "silence (no pong either) before a client is dropped");
    course::add_seconds_option(app, "--close-timeout", config.close_timeout,
                               "time a client has to finish the closing handshake");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        // Every connection is a descriptor: raise the soft limit (often 1024) to the hard one,
        // and keep a few descriptors for the listener, the signals and the logs.
        const std::size_t files = course::raise_open_file_limit();
        config.max_connections = max_connections != 0 ? max_connections : course::max_connections_for(files);

        asio::io_context io(1);  // one thread: the room and every queue without a lock
        lesson05::ChatServer server(io, course::resolve_listen_endpoint(options.host, options.port), config, log);
        course::StopSignals signals(io);  // SIGINT, SIGTERM, SIGHUP: close every WebSocket with 1001
        signals.async_wait(log, [&] { server.shutdown(); });
        server.start();
        const auto endpoint = server.local_endpoint();
        course::announce_listening(std::cout, course::format_endpoint(endpoint));
        log.info("open http://", course::format_endpoint(endpoint), "/ in a browser; WebSocket at /ws; up to ",
                 config.max_connections, " connections");
        io.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
