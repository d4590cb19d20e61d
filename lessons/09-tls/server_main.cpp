// 09-tls-chat-server: lesson 05's chat over TLS: https:// for the page, wss:// for the
// WebSocket. The same ChatServer, Session and Room as 05-chat-server; only the stream under each
// session differs (tls_stream.hpp), made with the policy of tls_context.hpp. See README.md.
#include "chat_server.hpp"
#include "redirect.hpp"
#include "room.hpp"
#include "serve.hpp"
#include "tls_context.hpp"
#include "tls_stream.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"
#include "common/stop_signals.hpp"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 09: the chat of lesson 05 over TLS; open https://HOST:PORT/ in a browser",
                 "09-tls-chat-server"};
    course::CommonOptions options;
    options.port = 7009;
    course::add_common_options(app, options, course::Role::server);
    lesson09::TlsFiles files;
    app.add_option("--cert", files.certificate,
                   "the server's certificate chain (PEM), e.g. from scripts/run 09")
        ->required()
        ->check(CLI::ExistingFile);
    app.add_option("--key", files.private_key, "the certificate's private key (PEM)")
        ->required()
        ->check(CLI::ExistingFile);
    std::optional<std::uint16_t> redirect_port;
    app.add_option("--redirect-port", redirect_port,
                   "also answer plain HTTP on this port with a redirect to https:// (0: any free port)");
    lesson05::ChatServerConfig config;
    lesson05::RoomConfig room_config;
    std::size_t max_connections = 0;
    lesson04::add_max_connections_option(app, max_connections);
    course::add_backpressure_options(app, config.backpressure);
    app.add_option(
        "--allowed-origin", config.allowed_origins,
        "accept only handshakes with this Origin, e.g. https://localhost:7009 (repeat; default: any)");
    app.add_option("--history", room_config.history, "chat messages replayed to a newcomer")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{10'000}));
    course::add_seconds_option(app, "--handshake-timeout", config.handshake_timeout,
                               "time a client has for the TLS handshake and its HTTP request");
    course::add_seconds_option(app, "--ping-interval", config.ping_interval,
                               "silence before the server pings a client");
    course::add_seconds_option(app, "--idle-timeout", config.idle_timeout,
                               "silence (no pong either) before a client is dropped");
    course::add_seconds_option(app, "--close-timeout", config.close_timeout,
                               "time a client has to finish the closing handshakes (WebSocket, then TLS)");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        auto context = std::make_shared<asio::ssl::context>(lesson09::make_server_context(files));
        auto buffers = std::make_shared<lesson09::TlsBuffers>();  // every connection's, in turn
        config.make_stream = [context, buffers](asio::ip::tcp::socket socket) {
            return std::make_shared<lesson09::TlsStream>(std::move(socket), context->native_handle(),
                                                         buffers);
        };
        config.max_connections = course::connection_cap(max_connections);  // raises the open-file limit
        asio::io_context io(1);  // one thread: the room and every queue without a lock
        lesson05::ChatServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    std::make_shared<lesson05::Room>(room_config), log);
        std::optional<lesson09::HttpsRedirect> redirect;
        if (redirect_port) {
            redirect.emplace(io, course::resolve_listen_endpoint(options.host, *redirect_port), options.host,
                             server.local_endpoint().port(), config.handshake_timeout, log);
        }
        course::StopSignals signals(io);  // before "listening on": a signal from then on is kept
        signals.async_wait(log, [&] {
            server.shutdown();
            if (redirect) redirect->shutdown();
        });
        server.start();
        if (redirect) redirect->start();
        const std::string endpoint = course::format_endpoint(server.local_endpoint());
        course::announce_listening(std::cout, endpoint);
        if (redirect) {
            log.info("http://", course::format_endpoint(redirect->local_endpoint()),
                     "/ redirects to https://", endpoint, "/");
        }
        log.info("certificate: ", lesson09::describe_server_certificate(*context));
        log.info("open https://", endpoint, "/ in a browser; WebSocket at wss://", endpoint, "/ws; up to ",
                 config.max_connections, " connections");
        io.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
