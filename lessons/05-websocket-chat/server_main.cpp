// 05-chat-server: a WebSocket chat for browsers (GET /) and terminals (05-chat-client) at once.
// See chat_server.hpp and README.md.
#include "chat_server.hpp"
#include "room.hpp"
#include "serve.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"

#include <cstdlib>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 05: WebSocket chat server; open http://HOST:PORT/ in a browser", "05-chat-server"};
    course::CommonOptions options;
    options.port = 7005;
    course::add_common_options(app, options, course::Role::server);
    lesson05::ChatServerConfig config;
    lesson05::RoomConfig room_config;
    std::size_t max_connections = 0;
    app.add_option("--max-message", config.max_message,
                   "largest client message in bytes (larger ones get close 1009)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{16}, std::size_t{16} << 20));
    lesson04::add_max_connections_option(app, max_connections);
    course::add_backpressure_options(app, config.backpressure);  // a client closed with 1008 past them
    app.add_option(
        "--allowed-origin", config.allowed_origins,
        "accept only handshakes with this Origin, e.g. http://localhost:7005 (repeat; default: any)");
    app.add_option("--history", room_config.history, "chat messages replayed to a newcomer")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{10'000}));
    app.add_option("--presence-limit", room_config.presence_limit,
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
        config.max_connections = course::connection_cap(max_connections);  // raises the open-file limit
        asio::io_context io(1);  // one thread: the room and every queue without a lock
        lesson05::ChatServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    std::make_shared<lesson05::Room>(room_config), log);
        lesson04::serve_until_stopped(io, server, config.max_connections, log);  // as 04-ws-server
        return EXIT_SUCCESS;
    });
}
