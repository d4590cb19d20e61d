// 02-chat-server: the threaded TCP chat server. See chat_server.hpp and README.md.
#include "chat_server.hpp"

#include "common/announce.hpp"
#include "common/cli.hpp"
#include "common/endpoint.hpp"

#include <cstdlib>
#include <iostream>
#include <stdexcept>

int main(int argc, char** argv) {
    CLI::App app{"Lesson 02: a threaded TCP chat server; every line goes to everyone else", "02-chat-server"};
    course::CommonOptions options;
    options.port = 7002;
    course::add_common_options(app, options, course::Role::server);
    lesson02::ChatServerConfig config;
    app.add_option("--max-clients", config.max_clients, "clients at once (each costs two threads)")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1}, std::size_t{100000}));
    // The slow-consumer policy (README: "The slow reader"): --queue-hard-limit (--max-queue),
    // --queue-soft-limit, --queue-soft-time.
    course::add_backpressure_options(app, config.session.backpressure);
    app.add_option("--max-line", config.session.max_line, "longest line accepted, in bytes")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20));
    course::add_seconds_option(app, "--name-timeout", config.session.name_timeout,
                               "from connecting to having a name: a deadline, not restarted by each byte");
    course::add_seconds_option(app, "--idle-timeout", config.session.idle_timeout,
                               "of silence before a named client is dropped");
    CLI11_PARSE(app, argc, argv);

    return course::guarded_main(app, [&] {
        // Every relayed line ("NAME: " + text, up to 4 times as long once control bytes are
        // escaped) must fit under the hard bound several times over, or one long line would
        // evict every reader at once and empty the room.
        const auto& limits = config.session.backpressure;
        if (limits.hard_bytes < 16 * config.session.max_line) {
            throw std::runtime_error("--queue-hard-limit must be at least 16 times --max-line");
        }
        if (limits.soft_bytes > limits.hard_bytes) {
            throw std::runtime_error("--queue-soft-limit must not be above --queue-hard-limit");
        }
        course::Logger log(options.log_level());
        course::StopEvent stop;
        course::SignalStopper on_signal(stop, log);  // Ctrl-C / SIGTERM request a clean stop

        asio::io_context io;
        lesson02::ChatServer server(io, course::resolve_listen_endpoint(options.host, options.port), config,
                                    log, stop);
        course::announce_listening(std::cout, course::format_endpoint(server.local_endpoint()));
        server.run();
        log.info("server stopped");
        return EXIT_SUCCESS;
    });
}
