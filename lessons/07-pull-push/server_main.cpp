// 07-feed-server: one live feed, four ways (short polling, long polling, Server-Sent Events,
// WebSocket). See feed_server.hpp and README.md.
#include "feed_server.hpp"
#include "serve.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"

#include <cstdlib>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 07: a live feed by polling, long polling, SSE and WebSocket; open http://HOST:PORT/",
                 "07-feed-server"};
    course::CommonOptions options;
    options.port = 7007;
    course::add_common_options(app, options, course::Role::server);
    lesson07::FeedServerConfig config;
    std::size_t max_connections = 0;
    app.add_option("--rate", config.rate, "events per second from the built-in ticker (0: none)")
        ->capture_default_str()
        ->check(CLI::Range(0.0, 100'000.0));
    app.add_option("--log-size", config.log_size, "events kept for clients that resume")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
    course::add_seconds_option(app, "--max-wait", config.max_wait, "longest a long poll is held");
    course::add_seconds_option(app, "--heartbeat", config.heartbeat,
                               "SSE heartbeat comment and WebSocket ping interval");
    course::add_seconds_option(app, "--retry", config.retry, "the reconnection delay SSE clients are given");
    course::add_seconds_option(app, "--idle-timeout", config.idle_timeout,
                               "a keep-alive connection with no request is closed after this");
    course::add_seconds_option(app, "--request-timeout", config.request_timeout,
                               "time to send a whole request once it has started (then 408)");
    course::add_seconds_option(app, "--close-timeout", config.close_timeout,
                               "time a client has to finish closing");
    lesson04::add_max_connections_option(app, max_connections);
    course::add_backpressure_options(app, config.backpressure);  // a stream ended (1008) past them
    app.add_option("--allowed-origin", config.allowed_origins,
                   "accept only WebSocket handshakes with this Origin (repeat; default: any)");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        config.max_connections = course::connection_cap(max_connections);  // raises the open-file limit
        asio::io_context io(1);  // one thread: the log, the waiters and every queue without a lock
        lesson07::FeedServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    log);
        lesson04::serve_until_stopped(io, server, config.max_connections, log);
        return EXIT_SUCCESS;
    });
}
