// 04-ws-server: serves a small page on GET / and echoes every WebSocket message on /ws.
// See echo_server.hpp and README.md.
#include "echo_server.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/stop_signals.hpp"

#include <cstdlib>
#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 04: WebSocket echo server (RFC 6455 by hand); open http://HOST:PORT/ in a browser",
                 "04-ws-server"};
    course::CommonOptions options;
    options.port = 7004;
    course::add_common_options(app, options, course::Role::server);
    lesson04::EchoServerConfig config;
    double handshake_seconds = 10, idle_seconds = 300;
    app.add_option("--max-message", config.max_message, "largest message in bytes (larger ones get close 1009)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
    app.add_option("--allowed-origin", config.allowed_origins,
                   "accept only handshakes with this Origin (repeat for several; default: any)");
    app.add_option("--protocol", config.subprotocols, "a subprotocol to accept (repeat, in order of preference)");
    app.add_option("--handshake-timeout", handshake_seconds, "seconds a client has to send its request")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--idle-timeout", idle_seconds, "seconds of silence before a WebSocket client is dropped")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        config.handshake_timeout = std::chrono::milliseconds(static_cast<long>(handshake_seconds * 1000));
        config.idle_timeout = std::chrono::milliseconds(static_cast<long>(idle_seconds * 1000));
        asio::io_context io(1);  // one thread: no locks anywhere
        lesson04::EchoServer server(io, course::resolve_listen_endpoint(options.host, options.port), config, log);

        course::StopSignals signals(io);  // SIGINT, SIGTERM, SIGHUP: close every WebSocket with 1001
        signals.async_wait(log, [&] { server.shutdown(); });
        server.start();
        const auto endpoint = server.local_endpoint();
        course::announce_listening(std::cout, course::format_endpoint(endpoint));
        log.info("open http://", course::format_endpoint(endpoint), "/ in a browser; WebSocket at /ws");
        io.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
