// 08-chat-node: one node of the cluster chat. Lesson 05's server and page, with the room kept
// in Redis (see chat_node.hpp and README.md). Run several on different ports against one
// Redis; put HAProxy in front (scripts/run 08 does both).
#include "chat_node.hpp"

#include "serve.hpp"

#include "common/cli.hpp"
#include "common/endpoint.hpp"
#include "common/open_files.hpp"
#include "common/stop_signals.hpp"

#include <unistd.h>
#include <cstdlib>
#include <iostream>
#include <random>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 08: a chat node; several share one chat through Redis", "08-chat-node"};
    course::CommonOptions options;
    options.port = 7008;
    course::add_common_options(app, options, course::Role::server);
    lesson08::ChatNodeConfig config;
    std::size_t max_connections = 0;
    std::string node_name;
    app.add_option("--max-message", config.server.max_message,
                   "largest client message in bytes (larger ones get close 1009)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{16}, std::size_t{16} << 20));
    lesson04::add_max_connections_option(app, max_connections);
    course::add_backpressure_options(app, config.server.backpressure);
    app.add_option("--allowed-origin", config.server.allowed_origins,
                   "accept only handshakes with this Origin (repeat; default: any)");
    app.add_option("--history", config.room.history, "chat messages replayed to a newcomer")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{0}, std::size_t{10'000}));
    app.add_option("--presence-limit", config.room.presence_limit,
                   "members online up to which join/leave/rename notices are sent")
        ->capture_default_str();
    course::add_seconds_option(app, "--handshake-timeout", config.server.handshake_timeout,
                               "time a client has to send its HTTP request");
    course::add_seconds_option(app, "--ping-interval", config.server.ping_interval,
                               "silence before the server pings a client");
    course::add_seconds_option(app, "--idle-timeout", config.server.idle_timeout,
                               "silence (no pong either) before a client is dropped");
    course::add_seconds_option(app, "--close-timeout", config.server.close_timeout,
                               "time a client has to finish the closing handshake");
    app.add_option("--redis-host", config.redis.host, "Redis' address or name")->capture_default_str();
    app.add_option("--redis-port", config.redis.port, "Redis' port")->capture_default_str();
    app.add_option("--redis-prefix", config.prefix, "prefix of every key the chat uses in Redis")
        ->capture_default_str();
    app.add_option("--node-name", node_name, "this node's name in the stream (default: node-PID)");
    course::add_seconds_option(app, "--presence-ttl", config.backplane.presence_ttl,
                               "a member whose node stops renewing it leaves after this long");
    app.add_option("--stream-maxlen", config.backplane.stream_maxlen,
                   "entries the events stream keeps, about (XADD MAXLEN ~)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{100}, std::size_t{10'000'000}));
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        course::Logger log(options.log_level());
        config.server.max_connections = course::connection_cap(max_connections);
        if (node_name.empty()) node_name = "node-" + std::to_string(::getpid());
        config.backplane.node = node_name;
        // Tokens must never repeat, even across restarts of a node with the same name.
        std::random_device random;
        config.room.token_prefix = node_name + "." + std::to_string(random()) + std::to_string(random());
        asio::io_context io(1);
        lesson08::ChatNode node(io, course::resolve_listen_endpoint(options.host, options.port), config, log);
        course::StopSignals signals(io);
        signals.async_wait(log, [&] { node.shutdown(); });
        node.start();
        const std::string endpoint = course::format_endpoint(node.local_endpoint());
        course::announce_listening(std::cout, endpoint);
        log.info("node ", node_name, ": open http://", endpoint,
                 "/ in a browser; GET /healthz for HAProxy; redis ", config.redis.host, ":",
                 config.redis.port, " prefix ", config.prefix);
        io.run();
        return EXIT_SUCCESS;
    });
}
